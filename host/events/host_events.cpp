#include "events/host_events.hpp"

#include <string>
#include <utility>

namespace agenthost::events {
namespace json = boost::json;

std::string_view to_string(DeathCause cause) noexcept {
  switch (cause) {
    case DeathCause::timeout:
      return "timeout";
    case DeathCause::cancelled:
      return "cancelled";
    case DeathCause::shutdown:
      return "shutdown";
    case DeathCause::interrupted:
      return "interrupted";
    case DeathCause::input_timeout:
      return "input_timeout";
    case DeathCause::worker_crashed:
      return "worker_crashed";
    case DeathCause::unresponsive:
      return "unresponsive";
  }
  return "unknown";
}

std::optional<DeathCause> death_cause_named(std::string_view name) noexcept {
  for (auto cause :
       {DeathCause::timeout, DeathCause::cancelled, DeathCause::shutdown, DeathCause::interrupted,
        DeathCause::input_timeout, DeathCause::worker_crashed, DeathCause::unresponsive})
    if (to_string(cause) == name) return cause;
  return std::nullopt;
}

namespace {

std::string_view recovery_action(DeathCause cause) noexcept {
  switch (cause) {
    case DeathCause::timeout:
      return "retry with a smaller request, or ask the operator for a longer run timeout";
    case DeathCause::cancelled:
      return "none: the run was cancelled on request";
    case DeathCause::shutdown:
      return "resubmit the run once the service is back";
    case DeathCause::interrupted:
      return "resubmit the run";
    case DeathCause::input_timeout:
      return "resubmit the run and answer its question within the input timeout";
    case DeathCause::worker_crashed:
      return "resubmit the run; if it crashes again, report the input to the plugin's author";
    case DeathCause::unresponsive:
      return "report to the plugin's author: the agent ignores its stop token";
  }
  return "resubmit the run";
}

}  // namespace

json::object started_payload(json::object metadata) {
  return json::object{
      {"status", "started"}, {"metadata", std::move(metadata)}, {"message", "Agent started"}};
}

json::object completed_payload(json::value result) {
  return json::object{
      {"success", true}, {"result", std::move(result)}, {"message", "Agent completed"}};
}

json::object error_payload(std::string_view error_type, std::string_view error_message,
                           bool recoverable) {
  return json::object{
      {"error_type", error_type},
      {"error_message", error_message},
      {"recoverable", recoverable},
      {"message", recoverable ? "Agent failed; the run can be retried" : "Agent failed"}};
}

json::object death_payload(DeathCause cause, std::string_view message) {
  return json::object{{"status", "dead"},
                      {"death_cause", to_string(cause)},
                      {"message", message},
                      {"recovery_action", recovery_action(cause)}};
}

json::object resumed_payload(std::string_view message, std::uint64_t after_seq,
                             bool from_checkpoint) {
  return json::object{
      {"message", message}, {"after_seq", after_seq}, {"from_checkpoint", from_checkpoint}};
}

json::object tool_executing_payload(std::string_view tool_name, json::value input) {
  return json::object{{"tool_name", tool_name},
                      {"tool_input", std::move(input)},
                      {"message", "Running tool " + std::string(tool_name)}};
}

json::object tool_completed_payload(std::string_view tool_name, bool success,
                                    json::value result_summary) {
  return json::object{
      {"tool_name", tool_name},
      {"success", success},
      {"result_summary", std::move(result_summary)},
      {"message", "Tool " + std::string(tool_name) + (success ? " completed" : " failed")}};
}

}  // namespace agenthost::events
