#include "agentctl/cli.hpp"

#include "json/display_text.hpp"

#include <exception>

#include "agentctl/command_error.hpp"
#include "agentctl/event_format.hpp"
#include "agentctl/question_prompt.hpp"
#include "agentctl/resource_format.hpp"
#include "agentctl/run_input.hpp"

namespace agenthost::agentctl {

namespace json = boost::json;

namespace {

std::string run_path(const std::string& run_id) {
  return "/v1/runs/" + encode_path_segment(run_id);
}

bool is_final_status(std::string_view status) {
  return status == "completed" || status == "failed" || status == "cancelled" ||
         status == "timed_out" || status == "interrupted";
}

struct Context {
  const GlobalOptions& options;
  HttpClient http;
  std::istream& in;
  std::ostream& out;
  std::ostream& err;

  void print_body(const json::value& body) const {
    out << agenthost::json::display_text(body) << '\n';
  }

  RunFollower follower(bool answer_questions = false) const {
    const auto& host = options.host;
    const auto& token = options.token;
    FollowSettings settings{options.json, 5, {}, {}};
    if (answer_questions)
      settings.answer_question = [this](const json::object& question) {
        // With --json, stdout carries frames only: the dialogue goes to stderr.
        auto& terminal = options.json ? err : out;
        terminal << format_question(question);
        const auto* schema = question.if_contains("schema");
        return read_answer(schema && schema->is_object() ? schema->get_object() : json::object{},
                           in, terminal);
      };
    return RunFollower([&host, &token] { return open_event_socket(host, token); }, out, err,
                       std::move(settings));
  }
};

ExitCode list_agents(const Context& c) {
  const auto body = c.http.call("GET", "/v1/agents");
  if (c.options.json)
    c.print_body(body);
  else
    c.out << format_agents(body);
  return ExitCode::ok;
}

ExitCode show_run(const Context& c, const ShowRun& command) {
  const auto body = c.http.call("GET", run_path(command.run_id));
  if (c.options.json)
    c.print_body(body);
  else
    c.out << format_run(body);
  return ExitCode::ok;
}

ExitCode cancel_run(const Context& c, const CancelRun& command) {
  const auto body = c.http.call("POST", run_path(command.run_id) + "/cancel");
  if (c.options.json)
    c.print_body(body);
  else
    c.out << "cancel requested for run " << command.run_id << '\n';
  return ExitCode::ok;
}

ExitCode start_run(const Context& c, const StartRun& command) {
  // Read the input before connecting: a typo should not need a running host.
  auto input = load_run_input(command.input, c.in);
  json::object frame{{"type", "start_run"},
                     {"request_id", "agentctl-start-1"},
                     {"agent", command.agent},
                     {"input", std::move(input)}};
  if (command.thread_id) frame["thread_id"] = *command.thread_id;
  if (command.strategy) frame["multitask_strategy"] = *command.strategy;
  return c.follower(true).start(frame, command.agent);
}

ExitCode answer_run(const Context& c, const AnswerRun& command) {
  const auto input = load_run_input(command.input, c.in);
  const auto body = c.http.call("POST", run_path(command.run_id) + "/input",
                                agenthost::json::display_text(input));
  if (c.options.json)
    c.print_body(body);
  else
    c.out << "answer accepted by run " << command.run_id << '\n';
  return ExitCode::ok;
}

// Pages through GET /v1/runs/{id}/events; returns the type of the terminal event
// shown, or "".
std::string print_stored_events(const Context& c, const ListEvents& command) {
  std::uint64_t after = command.after;
  std::string terminal;
  for (;;) {
    const auto body =
        c.http.call("GET", run_path(command.run_id) + "/events?after=" + std::to_string(after));
    const auto* object = body.if_object();
    const auto* events = object ? object->if_contains("events") : nullptr;
    if (events == nullptr || !events->is_array())
      throw CommandError(ExitCode::failed, "unexpected answer from the host: no \"events\" list");
    for (const auto& event : events->get_array()) {
      if (!event.is_object()) continue;
      const auto& e = event.get_object();
      c.out << (c.options.json ? agenthost::json::display_text(e) : format_event_line(e)) << '\n';
      const auto* type = e.if_contains("type");
      if (type && type->is_string() && is_terminal_event(type->get_string())) {
        terminal = std::string(type->get_string());
        if (!c.options.json) c.out << format_outcome(e) << '\n';
      }
    }
    c.out << std::flush;
    const auto* has_more = object->if_contains("has_more");
    const auto* last_seq = object->if_contains("last_seq");
    if (!(has_more && has_more->is_bool() && has_more->get_bool())) return terminal;
    if (last_seq == nullptr || !last_seq->is_number() ||
        last_seq->to_number<std::uint64_t>() <= after)
      throw CommandError(ExitCode::failed,
                         "unexpected answer from the host: has_more without a later last_seq");
    after = last_seq->to_number<std::uint64_t>();
  }
}

ExitCode list_events(const Context& c, const ListEvents& command) {
  if (!command.follow) {
    print_stored_events(c, command);
    return ExitCode::ok;
  }
  // A finished run is shown from the log: subscribing after its last seq would wait
  // for an event that never comes. A run still going is followed live.
  const auto run = c.http.call("GET", run_path(command.run_id));
  const auto* status = run.is_object() ? run.get_object().if_contains("status") : nullptr;
  const std::string status_text =
      status && status->is_string() ? std::string(status->get_string()) : "";
  if (!is_final_status(status_text)) return c.follower().follow(command.run_id, command.after);
  const auto terminal = print_stored_events(c, command);
  if (!terminal.empty()) return exit_code_for(terminal);
  if (!c.options.json) c.out << "run " << command.run_id << " is " << status_text << '\n';
  return status_text == "completed" ? ExitCode::ok : ExitCode::failed;
}

}  // namespace

ExitCode execute(const Invocation& invocation, std::istream& in, std::ostream& out,
                 std::ostream& err) {
  if (std::holds_alternative<ShowHelp>(invocation.command)) {
    out << help_text();
    return ExitCode::ok;
  }
  const auto& options = invocation.options;
  const Context c{options, HttpClient(options.host, options.token), in, out, err};
  return std::visit(
      [&](const auto& command) -> ExitCode {
        using T = std::decay_t<decltype(command)>;
        if constexpr (std::is_same_v<T, ListAgents>) return list_agents(c);
        if constexpr (std::is_same_v<T, StartRun>) return start_run(c, command);
        if constexpr (std::is_same_v<T, ShowRun>) return show_run(c, command);
        if constexpr (std::is_same_v<T, CancelRun>) return cancel_run(c, command);
        if constexpr (std::is_same_v<T, AnswerRun>) return answer_run(c, command);
        if constexpr (std::is_same_v<T, ListEvents>) return list_events(c, command);
        return ExitCode::ok;
      },
      invocation.command);
}

int run_cli(const std::vector<std::string>& args, const EnvLookup& env, std::istream& in,
            std::ostream& out, std::ostream& err) {
  try {
    const auto invocation = parse_command_line(args, env);
    return static_cast<int>(execute(invocation, in, out, err));
  } catch (const CommandError& e) {
    out << std::flush;
    err << "agentctl: " << e.what() << '\n';
    if (e.show_usage()) err << usage_synopsis();
    return static_cast<int>(e.exit_code());
  } catch (const std::exception& e) {
    out << std::flush;
    err << "agentctl: internal error: " << e.what() << '\n';
    return static_cast<int>(ExitCode::failed);
  }
}

}  // namespace agenthost::agentctl
