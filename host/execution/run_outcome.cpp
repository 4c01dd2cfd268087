#include "execution/run_outcome.hpp"

#include <boost/json/object.hpp>

#include <utility>

#include "database/run_record.hpp"
#include "events/sanitizer.hpp"
#include "events/user_event_emitter.hpp"
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

RunOutcome end_unstarted_run(const agenthost::ExecutionContext& context, events::DeathCause cause,
                             events::EventStore& store, events::EventRouter& router,
                             std::uint64_t after_seq) {
  const auto message = death_message(cause, context);
  events::UserEventEmitter emitter(context, store, router);
  emitter.continue_after(after_seq);
  auto event = emitter.emit_terminal("agent_death", events::death_payload(cause, message));
  RunOutcome outcome;
  outcome.status = std::string(status_for(cause));
  outcome.error =
      boost::json::object{{"error_type", events::to_string(cause)}, {"message", message}};
  outcome.event_count = event->seq;
  return outcome;
}

RunOutcome end_run_with_host_error(const agenthost::ExecutionContext& context,
                                   std::string_view message, events::EventStore& store,
                                   events::EventRouter& router) {
  const auto clean = events::sanitize_error_message(message);
  events::UserEventEmitter emitter(context, store, router);
  auto event =
      emitter.emit_terminal("agent_error", events::error_payload(error_type::host, clean, true));
  RunOutcome outcome;
  outcome.status = std::string(database::run_status::failed);
  outcome.error = boost::json::object{{"error_type", error_type::host}, {"message", clean}};
  outcome.event_count = event->seq;
  return outcome;
}

}  // namespace agenthost::execution
