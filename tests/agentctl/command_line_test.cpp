// agentctl's command line: every command, options anywhere, the environment, and a
// one-line usage error for each way of getting it wrong.
#include <catch2/catch.hpp>

#include <map>

#include "agentctl/command_error.hpp"
#include "agentctl/command_line.hpp"

using namespace agenthost::agentctl;

namespace {

EnvLookup env_of(std::map<std::string, std::string> vars) {
  return [vars = std::move(vars)](std::string_view name) -> std::optional<std::string> {
    auto it = vars.find(std::string(name));
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}

Invocation parse(std::vector<std::string> args, std::map<std::string, std::string> env = {}) {
  return parse_command_line(args, env_of(std::move(env)));
}

// The usage error's message for `args`; FAILs when they parse.
std::string usage_error_of(std::vector<std::string> args) {
  try {
    parse(std::move(args));
  } catch (const CommandError& e) {
    CHECK(e.exit_code() == ExitCode::usage);
    return e.what();
  }
  FAIL("the arguments were accepted");
  return "";
}

}  // namespace

TEST_CASE("agents with runs show and cancel and events parse with their ids",
          "[agentctl][command_line]") {
  CHECK(std::holds_alternative<ListAgents>(parse({"agents"}).command));
  CHECK(std::get<ShowRun>(parse({"runs", "show", "r-1"}).command).run_id == "r-1");
  CHECK(std::get<CancelRun>(parse({"cancel", "r-2"}).command).run_id == "r-2");
  const auto answer = std::get<AnswerRun>(parse({"answer", "r-4", "--input", "true"}).command);
  CHECK(answer.run_id == "r-4");
  CHECK(answer.input == "true");
  CHECK(usage_error_of({"answer", "r-4"}) ==
        "'answer' needs the answer: agentctl answer RUN_ID --input JSON");
  CHECK(usage_error_of({"answer", "r-4", "--input", "1", "--follow"}) ==
        "option '--follow' does not apply to 'answer'");
  const auto events = std::get<ListEvents>(parse({"events", "r-3"}).command);
  CHECK(events.run_id == "r-3");
  CHECK(events.after == 0);
  CHECK_FALSE(events.follow);
  const auto followed =
      std::get<ListEvents>(parse({"events", "r-3", "--after", "41", "--follow"}).command);
  CHECK(followed.after == 41);
  CHECK(followed.follow);
}

TEST_CASE("run takes an agent with thread and input and strategy in either option form",
          "[agentctl][command_line]") {
  const auto plain = std::get<StartRun>(parse({"run", "echo"}).command);
  CHECK(plain.agent == "echo");
  CHECK_FALSE(plain.thread_id);
  CHECK_FALSE(plain.input);
  CHECK_FALSE(plain.strategy);

  const auto full = std::get<StartRun>(
      parse({"run", "echo", "--thread", "t-1", "--input={\"text\":\"a=b\"}", "--strategy=reject"})
          .command);
  CHECK(full.thread_id == "t-1");
  CHECK(full.input == "{\"text\":\"a=b\"}");
  CHECK(full.strategy == "reject");
}

TEST_CASE("global options go before or after the command and a double dash ends the options",
          "[agentctl][command_line]") {
  const auto before = parse({"--json", "--url", "http://h:9000", "--token", "tk", "agents"});
  const auto after = parse({"agents", "--token=tk", "--url=http://h:9000", "--json"});
  for (const auto* inv : {&before, &after}) {
    CHECK(inv->options.json);
    CHECK(inv->options.token == "tk");
    CHECK(inv->options.host.host == "h");
    CHECK(inv->options.host.port == 9000);
  }
  // An agent named like an option, after --.
  CHECK(std::get<StartRun>(parse({"run", "--", "--odd"}).command).agent == "--odd");
}

TEST_CASE("URL and token come from flags then the environment then the default",
          "[agentctl][command_line]") {
  const auto defaults = parse({"agents"});
  CHECK(defaults.options.host.text == "http://127.0.0.1:8080");
  CHECK_FALSE(defaults.options.token);

  const std::map<std::string, std::string> env{{"AGENTHOST_URL", "http://envhost:1234"},
                                               {"AGENTHOST_TOKEN", "envtoken"}};
  const auto from_env = parse({"agents"}, env);
  CHECK(from_env.options.host.text == "http://envhost:1234");
  CHECK(from_env.options.token == "envtoken");

  const auto flags_win = parse({"agents", "--url", "http://flag:1", "--token", "flagtoken"}, env);
  CHECK(flags_win.options.host.text == "http://flag:1");
  CHECK(flags_win.options.token == "flagtoken");

  // An empty variable counts as unset.
  const auto empty = parse({"agents"}, {{"AGENTHOST_URL", ""}, {"AGENTHOST_TOKEN", ""}});
  CHECK(empty.options.host.text == "http://127.0.0.1:8080");
  CHECK_FALSE(empty.options.token);
}

TEST_CASE("help (--help or -h) anywhere asks for help even next to mistakes",
          "[agentctl][command_line]") {
  CHECK(std::holds_alternative<ShowHelp>(parse({"--help"}).command));
  CHECK(std::holds_alternative<ShowHelp>(parse({"run", "-h"}).command));
  CHECK(std::holds_alternative<ShowHelp>(parse({"bogus", "--nope", "--help"}).command));
  CHECK_THAT(std::string(help_text()),
             Catch::Contains("events RUN_ID") && Catch::Contains("AGENTHOST_TOKEN"));
}

TEST_CASE("unknown commands and options are refused with a suggestion",
          "[agentctl][command_line]") {
  CHECK(usage_error_of({}) == "no command given");
  CHECK(usage_error_of({"agent"}) == "unknown command 'agent'; did you mean 'agents'?");
  CHECK(usage_error_of({"frobnicate"}) == "unknown command 'frobnicate'");
  CHECK(usage_error_of({"agents", "--jsn"}) == "unknown option '--jsn'; did you mean '--json'?");
  CHECK(usage_error_of({"agents", "-x"}) == "unknown option '-x'");
  CHECK(usage_error_of({"runs", "shwo", "r"}) ==
        "unknown subcommand 'runs shwo'; did you mean 'show'? (agentctl runs show RUN_ID)");
}

TEST_CASE("options are checked: scope and value and repetition", "[agentctl][command_line]") {
  CHECK(usage_error_of({"events", "r", "--input", "{}"}) ==
        "option '--input' does not apply to 'events'");
  CHECK(usage_error_of({"run", "echo", "--follow"}) == "option '--follow' does not apply to 'run'");
  CHECK(usage_error_of({"run", "echo", "--input"}) == "option '--input' needs a value");
  CHECK(usage_error_of({"agents", "--json=yes"}) == "option '--json' takes no value");
  CHECK(usage_error_of({"agents", "--url", "a", "--url", "b"}) == "option '--url' is given twice");
  CHECK(usage_error_of({"agents", "--token="}) == "option '--token' is empty");
  CHECK(usage_error_of({"events", "r", "--after", "-1"}) ==
        "option '--after' needs a sequence number (an integer >= 0), not '-1'");
  CHECK(usage_error_of({"events", "r", "--after", "3x"}) ==
        "option '--after' needs a sequence number (an integer >= 0), not '3x'");
  CHECK(usage_error_of({"run", "echo", "--strategy", "rejet"}) ==
        "option '--strategy' must be enqueue, reject or interrupt, not 'rejet'; did you mean "
        "'reject'?");
}

TEST_CASE("missing and extra arguments say what the command takes", "[agentctl][command_line]") {
  CHECK(usage_error_of({"run"}) == "'run' needs an agent name: agentctl run AGENT [--input JSON]");
  CHECK(usage_error_of({"cancel"}) == "'cancel' needs a run id: agentctl cancel RUN_ID");
  CHECK(usage_error_of({"runs"}) == "'runs' needs a subcommand: agentctl runs show RUN_ID");
  CHECK(usage_error_of({"runs", "show"}) == "'runs' needs a run id: agentctl runs show RUN_ID");
  CHECK(usage_error_of({"agents", "extra"}) == "unexpected argument 'extra' (agentctl agents)");
  CHECK(usage_error_of({"run", "echo", "hello"}) ==
        "unexpected argument 'hello' (agentctl run AGENT [--input JSON])");
}

TEST_CASE("host URLs: forms accepted and refused", "[agentctl][command_line]") {
  const auto plain = parse_host_url("http://example.org");
  CHECK(plain.host == "example.org");
  CHECK(plain.port == 80);
  CHECK(plain.base_path.empty());
  CHECK(plain.text == "http://example.org:80");

  const auto prefixed = parse_host_url("http://h:8080/agenthost/");
  CHECK(prefixed.base_path == "/agenthost");
  CHECK(prefixed.target("/v1/agents") == "/agenthost/v1/agents");
  CHECK(prefixed.host_header() == "h:8080");

  const auto bare = parse_host_url("localhost:9");
  CHECK(bare.host == "localhost");
  CHECK(bare.port == 9);

  const auto v6 = parse_host_url("http://[::1]:8080");
  CHECK(v6.host == "::1");
  CHECK(v6.host_header() == "[::1]:8080");
  CHECK(v6.text == "http://[::1]:8080");

  auto refused = [](std::string_view url) {
    try {
      parse_host_url(url);
    } catch (const CommandError& e) {
      CHECK(e.exit_code() == ExitCode::usage);
      return std::string(e.what());
    }
    FAIL("accepted " << url);
    return std::string();
  };
  CHECK_THAT(refused("https://h"), Catch::Contains("plain http only"));
  CHECK_THAT(refused("ftp://h"), Catch::Contains("the scheme must be http, not 'ftp'"));
  CHECK_THAT(refused("http://h:0"), Catch::Contains("port must be a number from 1 to 65535"));
  CHECK_THAT(refused("http://h:70000"), Catch::Contains("port must be a number"));
  CHECK_THAT(refused("http://h:"), Catch::Contains("port must be a number"));
  CHECK_THAT(refused("http://user:pw@h"), Catch::Contains("--token"));
  CHECK_THAT(refused("http://:80"), Catch::Contains("host name is missing"));
  CHECK_THAT(refused("http://h/?x=1"), Catch::Contains("query or fragment"));
  CHECK_THAT(refused(""), Catch::Contains("empty"));
  CHECK_THAT(refused("http://[::1"), Catch::Contains("closing ']'"));
  // The flag's value is named in the message.
  CHECK_THAT(usage_error_of({"agents", "--url", "https://x"}),
             Catch::StartsWith("host URL 'https://x'"));
}
