#include "execution/run_outcome.hpp"

#include "database/run_record.hpp"
#include "events/sanitizer.hpp"
#include "execution/run_control.hpp"

#include <stdexcept>

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
    case events::DeathCause::worker_crashed:
      return "the worker process running agent " + context.agent_name() + " died";
    case events::DeathCause::unresponsive:
      return "agent " + context.agent_name() +
             " did not stop within limits.cancel_grace; its worker process was recycled";
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

namespace {

std::string_view text_field(std::string_view type, const boost::json::object& payload,
                            std::string_view key) {
  const auto* v = payload.if_contains(key);
  if (!v || !v->is_string())
    throw std::invalid_argument(std::string(type) + ": \"" + std::string(key) +
                                "\" is missing or not a string");
  return v->get_string();
}

const boost::json::value& completed_result(const boost::json::object& payload) {
  const auto* result = payload.if_contains("result");
  if (!result) throw std::invalid_argument("agent_completed: \"result\" is missing");
  return *result;
}

RunEnding failed_ending(const boost::json::object& payload) {
  const auto* recoverable = payload.if_contains("recoverable");
  const auto kind = text_field("agent_error", payload, "error_type");
  if (kind != error_type::agent && kind != error_type::database && kind != error_type::host)
    throw std::invalid_argument("agent_error: error_type \"" + std::string(kind) + "\" is unknown");
  return RunEnding::failed(kind, text_field("agent_error", payload, "error_message"),
                           recoverable && recoverable->is_bool() && recoverable->get_bool());
}

}  // namespace

RunEnding ending_of_terminal(std::string_view type, const boost::json::object& payload,
                             std::optional<events::DeathCause> stop_cause,
                             const agenthost::ExecutionContext& context) {
  if (type == "agent_completed") return RunEnding::completed(completed_result(payload));
  if (type == "agent_error") return failed_ending(payload);
  if (type == "agent_death") {
    if (!stop_cause) throw std::invalid_argument("agent_death for a run nobody asked to stop");
    return RunEnding::stopped(*stop_cause, death_message(*stop_cause, context));
  }
  throw std::invalid_argument("\"" + std::string(type) + "\" is not a terminal event type");
}

RunOutcome outcome_of_stored_ending(std::string_view type, const boost::json::object& payload) {
  if (type == "agent_completed") {
    const auto& result = completed_result(payload);
    auto outcome = RunEnding::completed(result).unstored();
    outcome.result = result;  // emit_ending's part for a live run
    return outcome;
  }
  if (type == "agent_error") return failed_ending(payload).unstored();
  if (type == "agent_death") {
    const auto name = text_field(type, payload, "death_cause");
    const auto cause = events::death_cause_named(name);
    if (!cause)
      throw std::invalid_argument("agent_death: death_cause \"" + std::string(name) +
                                  "\" is unknown");
    return RunEnding::stopped(*cause, text_field(type, payload, "message")).unstored();
  }
  throw std::invalid_argument("\"" + std::string(type) + "\" is not a terminal event type");
}

}  // namespace agenthost::execution
