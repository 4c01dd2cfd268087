#include "execution/run_outcome.hpp"

#include "database/run_record.hpp"
#include "events/sanitizer.hpp"
#include "execution/run_control.hpp"

namespace agenthost::execution {

std::string death_message(events::DeathCause cause, const agenthost::ExecutionContext& context) {
  switch (cause) {
    case events::DeathCause::timeout:
      return "the run exceeded its timeout of " +
             std::to_string(context.limits().run_timeout.count()) + " ms";
    case events::DeathCause::input_timeout:
      return "the run waited for its user's answer longer than its input timeout of " +
             std::to_string(context.limits().input_timeout.count()) + " ms";
    case events::DeathCause::cancelled:
      return "the run was cancelled on request";
    case events::DeathCause::interrupted:
      return "a newer run on the same thread interrupted this run";
    case events::DeathCause::shutdown:
      return "the host shut down before the run finished";
  }
  return "the run was stopped";
}

RunEnding RunEnding::completed(boost::json::value result) {
  RunEnding ending;
  ending.event_type = "agent_completed";
  ending.payload = events::completed_payload(std::move(result));
  ending.outcome.status = std::string(database::run_status::completed);
  return ending;
}

RunEnding RunEnding::failed(std::string_view type, std::string_view message, bool recoverable) {
  const auto clean = events::sanitize_error_message(message);
  RunEnding ending;
  ending.event_type = "agent_error";
  ending.payload = events::error_payload(type, clean, recoverable);
  ending.outcome.status = std::string(database::run_status::failed);
  ending.outcome.error = boost::json::object{{"error_type", type}, {"message", clean}};
  return ending;
}

RunEnding RunEnding::stopped(events::DeathCause cause, std::string_view message) {
  RunEnding ending;
  ending.event_type = "agent_death";
  ending.payload = events::death_payload(cause, message);
  ending.outcome.status = std::string(status_for(cause));
  ending.outcome.error =
      boost::json::object{{"error_type", events::to_string(cause)}, {"message", message}};
  return ending;
}

}  // namespace agenthost::execution
