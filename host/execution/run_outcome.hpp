#pragma once
/// \file
/// RunOutcome: how a run ended, as the engine records it (RunStore::mark_finished)
/// after the run's terminal event is stored; and the ways a run ends without an agent.

#include <boost/json/value.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "agenthost/execution_context.hpp"
#include "events/event_router.hpp"
#include "events/event_store.hpp"
#include "events/host_events.hpp"

namespace agenthost::execution {

struct RunOutcome {
  /// A terminal database::run_status: completed, failed, cancelled, timed_out or
  /// interrupted.
  std::string status;
  /// The agent's result; set exactly when status is completed.
  std::optional<boost::json::value> result;
  /// {"error_type", "message"} (message sanitised); set for every other status.
  std::optional<boost::json::value> error;
  /// True when an agent instance was created and agent_started emitted.
  bool agent_created = false;
  /// The run's events, its terminal event included (= that event's seq); 0 when not
  /// even the terminal event could be stored.
  std::uint64_t event_count = 0;
};

/// error_type values of agent_error events and of RunOutcome::error.
namespace error_type {
inline constexpr std::string_view agent = "agent_error";        ///< plugin code threw
inline constexpr std::string_view database = "database_error";  ///< the commit failed
inline constexpr std::string_view host = "host_error";          ///< the host could not run it
}  // namespace error_type

/// The agent_death message for `cause` in a run of `context`.
std::string death_message(events::DeathCause cause, const agenthost::ExecutionContext& context);

/// Ends a run that never got an agent (cancelled or interrupted while queued, or
/// stopped just before it started): emits its only event, agent_death with `cause`
/// (seq 1, no agent_started), through a fresh emitter of the run. Throws what the
/// emitter throws (the store refused the event).
/// `after_seq`: a resumed run's last stored seq (its events continue after it).
RunOutcome end_unstarted_run(const agenthost::ExecutionContext& context, events::DeathCause cause,
                             events::EventStore& store, events::EventRouter& router,
                             std::uint64_t after_seq = 0);

/// Ends a run whose scope could not be built (no database session, ...): emits its
/// only event, agent_error with error_type host_error, through a fresh emitter.
/// Throws what the emitter throws.
RunOutcome end_run_with_host_error(const agenthost::ExecutionContext& context,
                                   std::string_view message, events::EventStore& store,
                                   events::EventRouter& router);

}  // namespace agenthost::execution
