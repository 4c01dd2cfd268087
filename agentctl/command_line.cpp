#include "agentctl/command_line.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <map>

#include "agentctl/command_error.hpp"

namespace agenthost::agentctl {

namespace {

constexpr std::string_view kSynopsis =
    "usage: agentctl [--url URL] [--token TOKEN] [--json] COMMAND\n"
    "  agentctl agents\n"
    "  agentctl run AGENT [--thread T] [--input JSON|@FILE|@-] [--strategy "
    "enqueue|reject|interrupt]\n"
    "  agentctl runs show RUN_ID\n"
    "  agentctl cancel RUN_ID\n"
    "  agentctl answer RUN_ID --input JSON|@FILE|@-\n"
    "  agentctl events RUN_ID [--after SEQ] [--follow]\n"
    "  agentctl --help\n";

constexpr std::string_view kHelp =
    "agentctl: the command-line client of agenthost.\n"
    "\n"
    "usage: agentctl [--url URL] [--token TOKEN] [--json] COMMAND\n"
    "\n"
    "commands:\n"
    "  agents                      list the host's agents\n"
    "  run AGENT                   start a run and stream its events until it ends\n"
    "      --input JSON|@FILE|@-   the run's input: inline JSON, a file, or stdin (default {})\n"
    "      --thread T              continue thread T (default: a new thread)\n"
    "      --strategy S            when T is busy: enqueue (wait, default), reject, interrupt\n"
    "  runs show RUN_ID            a run's status, input, result or error\n"
    "  cancel RUN_ID               ask a run to stop (idempotent)\n"
    "  answer RUN_ID --input JSON  answer the question a run waits on (its input_required)\n"
    "  events RUN_ID               the run's stored events\n"
    "      --after SEQ             only events with seq > SEQ (default 0)\n"
    "      --follow                then stream live events until the run ends\n"
    "\n"
    "options:\n"
    "  --url URL      the host (default $AGENTHOST_URL, else http://127.0.0.1:8080)\n"
    "  --token TOKEN  a JWT or API key (default $AGENTHOST_TOKEN)\n"
    "  --json         raw JSON, one value per line: frames for run and events, bodies otherwise\n"
    "  -h, --help     this text\n"
    "\n"
    "Events print as: TIME (UTC)  #SEQ  TYPE  SUMMARY. A run that loses its connection\n"
    "resumes where it stopped; Ctrl-C stops watching but not the run. When the run asks\n"
    "its user (input_required), run shows the question and reads the answer from the\n"
    "terminal: y or n for a yes/no question, else one line of JSON.\n"
    "\n"
    "exit status: 0 done (run/--follow: the run completed), 1 the run failed or died or\n"
    "the host refused the request, 2 usage error, 3 host unreachable or connection lost,\n"
    "4 the run waits for an answer and stdin has none, 130 interrupted.\n";

enum class Scope { global, run, events };

struct OptionSpec {
  std::string_view name;
  bool takes_value;
  Scope scope;
};

constexpr std::array<OptionSpec, 8> kOptions{{
    {"url", true, Scope::global},
    {"token", true, Scope::global},
    {"json", false, Scope::global},
    {"thread", true, Scope::run},
    {"input", true, Scope::run},
    {"strategy", true, Scope::run},
    {"after", true, Scope::events},
    {"follow", false, Scope::events},
}};

constexpr std::array<std::string_view, 6> kCommands{"agents", "run",    "runs",
                                                    "cancel", "answer", "events"};
constexpr std::array<std::string_view, 3> kStrategies{"enqueue", "reject", "interrupt"};

std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

template <class Names>
std::string did_you_mean(std::string_view word, const Names& names, std::string_view prefix) {
  std::string_view best;
  std::size_t best_distance = 3;  // suggest only near misses
  for (std::string_view name : names) {
    const auto d = edit_distance(word, name);
    if (d < best_distance) best = name, best_distance = d;
  }
  return best.empty() ? "" : "; did you mean '" + std::string(prefix) + std::string(best) + "'?";
}

const OptionSpec* find_option(std::string_view name) {
  for (const auto& spec : kOptions)
    if (spec.name == name) return &spec;
  return nullptr;
}

std::vector<std::string_view> option_names() {
  std::vector<std::string_view> names;
  for (const auto& spec : kOptions) names.push_back(spec.name);
  return names;
}

struct RawArguments {
  std::vector<std::string> positionals;
  std::map<std::string, std::string, std::less<>> values;  ///< flags map to ""
};

RawArguments split_arguments(const std::vector<std::string>& args) {
  RawArguments raw;
  bool options_ended = false;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (options_ended || arg.size() < 2 || arg[0] != '-') {
      raw.positionals.push_back(arg);
      continue;
    }
    if (arg == "--") {
      options_ended = true;
      continue;
    }
    if (arg[1] != '-') throw usage_error("unknown option '" + arg + "'");
    const auto eq = arg.find('=');
    const std::string name = arg.substr(2, eq == std::string::npos ? std::string::npos : eq - 2);
    const auto* spec = find_option(name);
    if (spec == nullptr)
      throw usage_error("unknown option '--" + name + "'" +
                        did_you_mean(name, option_names(), "--"));
    std::string value;
    if (spec->takes_value) {
      if (eq != std::string::npos) {
        value = arg.substr(eq + 1);
      } else if (i + 1 < args.size()) {
        value = args[++i];
      } else {
        throw usage_error("option '--" + name + "' needs a value");
      }
    } else if (eq != std::string::npos) {
      throw usage_error("option '--" + name + "' takes no value");
    }
    if (!raw.values.emplace(name, std::move(value)).second)
      throw usage_error("option '--" + name + "' is given twice");
  }
  return raw;
}

const std::string* option(const RawArguments& raw, std::string_view name) {
  auto it = raw.values.find(name);
  return it == raw.values.end() ? nullptr : &it->second;
}

// Options of another command are refused rather than ignored: `agentctl events X
// --input ...` is a mistake worth hearing about.
void check_scope(const RawArguments& raw, std::string_view command, Scope allowed,
                 std::string_view also_allowed = {}) {
  for (const auto& [name, value] : raw.values) {
    const auto scope = find_option(name)->scope;
    if (scope != Scope::global && scope != allowed && name != also_allowed)
      throw usage_error("option '--" + name + "' does not apply to '" + std::string(command) + "'");
  }
}

std::uint64_t parse_seq(const std::string& text) {
  std::uint64_t value = 0;
  const auto* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (text.empty() || ec != std::errc() || ptr != end)
    throw usage_error("option '--after' needs a sequence number (an integer >= 0), not '" + text +
                      "'");
  return value;
}

void expect_positionals(const RawArguments& raw, std::size_t count, std::string_view what,
                        std::string_view form) {
  if (raw.positionals.size() < count)
    throw usage_error("'" + raw.positionals[0] + "' needs " + std::string(what) + ": agentctl " +
                      std::string(form));
  if (raw.positionals.size() > count)
    throw usage_error("unexpected argument '" + raw.positionals[count] + "' (agentctl " +
                      std::string(form) + ")");
}

Command parse_command(const RawArguments& raw) {
  if (raw.positionals.empty()) throw usage_error("no command given");
  const std::string& name = raw.positionals[0];
  if (name == "agents") {
    check_scope(raw, name, Scope::global);
    expect_positionals(raw, 1, "nothing more", "agents");
    return ListAgents{};
  }
  if (name == "run") {
    check_scope(raw, name, Scope::run);
    expect_positionals(raw, 2, "an agent name", "run AGENT [--input JSON]");
    StartRun run{raw.positionals[1], std::nullopt, std::nullopt, std::nullopt};
    if (const auto* t = option(raw, "thread")) {
      if (t->empty()) throw usage_error("option '--thread' is empty");
      run.thread_id = *t;
    }
    if (const auto* input = option(raw, "input")) run.input = *input;
    if (const auto* s = option(raw, "strategy")) {
      if (std::find(kStrategies.begin(), kStrategies.end(), *s) == kStrategies.end())
        throw usage_error("option '--strategy' must be enqueue, reject or interrupt, not '" + *s +
                          "'" + did_you_mean(*s, kStrategies, ""));
      run.strategy = *s;
    }
    return run;
  }
  if (name == "runs") {
    check_scope(raw, name, Scope::global);
    if (raw.positionals.size() < 2)
      throw usage_error("'runs' needs a subcommand: agentctl runs show RUN_ID");
    if (raw.positionals[1] != "show")
      throw usage_error(
          "unknown subcommand 'runs " + raw.positionals[1] + "'" +
          did_you_mean(raw.positionals[1], std::array<std::string_view, 1>{"show"}, "") +
          " (agentctl runs show RUN_ID)");
    expect_positionals(raw, 3, "a run id", "runs show RUN_ID");
    return ShowRun{raw.positionals[2]};
  }
  if (name == "cancel") {
    check_scope(raw, name, Scope::global);
    expect_positionals(raw, 2, "a run id", "cancel RUN_ID");
    return CancelRun{raw.positionals[1]};
  }
  if (name == "answer") {
    check_scope(raw, name, Scope::global, "input");
    expect_positionals(raw, 2, "a run id", "answer RUN_ID --input JSON");
    const auto* input = option(raw, "input");
    if (!input) throw usage_error("'answer' needs the answer: agentctl answer RUN_ID --input JSON");
    return AnswerRun{raw.positionals[1], *input};
  }
  if (name == "events") {
    check_scope(raw, name, Scope::events);
    expect_positionals(raw, 2, "a run id", "events RUN_ID [--after SEQ] [--follow]");
    ListEvents events{raw.positionals[1], 0, option(raw, "follow") != nullptr};
    if (const auto* after = option(raw, "after")) events.after = parse_seq(*after);
    return events;
  }
  throw usage_error("unknown command '" + name + "'" + did_you_mean(name, kCommands, ""));
}

std::optional<std::string> non_empty(std::optional<std::string> value) {
  if (value && value->empty()) return std::nullopt;
  return value;
}

GlobalOptions parse_global(const RawArguments& raw, const EnvLookup& env) {
  GlobalOptions options;
  std::string url(kDefaultHostUrl);
  if (const auto* flag = option(raw, "url")) {
    url = *flag;
  } else if (auto from_env = non_empty(env("AGENTHOST_URL"))) {
    url = *from_env;
  }
  options.host = parse_host_url(url);
  if (const auto* flag = option(raw, "token")) {
    if (flag->empty()) throw usage_error("option '--token' is empty");
    options.token = *flag;
  } else {
    options.token = non_empty(env("AGENTHOST_TOKEN"));
  }
  options.json = option(raw, "json") != nullptr;
  return options;
}

}  // namespace

Invocation parse_command_line(const std::vector<std::string>& args, const EnvLookup& env) {
  for (const auto& arg : args) {
    if (arg == "--") break;
    if (arg == "--help" || arg == "-h") return Invocation{ShowHelp{}, GlobalOptions{}};
  }
  const auto raw = split_arguments(args);
  Invocation invocation{parse_command(raw), GlobalOptions{}};
  invocation.options = parse_global(raw, env);
  return invocation;
}

std::string_view help_text() noexcept { return kHelp; }
std::string_view usage_synopsis() noexcept { return kSynopsis; }

}  // namespace agenthost::agentctl
