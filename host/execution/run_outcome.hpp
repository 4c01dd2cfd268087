#pragma once
/// \file
/// How a run ends, in one place. Every ending (the agent's result, a plugin or host
/// failure, a stop) is built as a RunEnding, its terminal event and the outcome
/// recorded with it, and stored by emit_ending(); the engine then records the outcome
/// (through the event log, committed with or after that event). Built once, the event a user
/// reads and the status the store keeps cannot disagree.

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

#include "agenthost/execution_context.hpp"
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

/// A run's terminal event (type and payload) and the outcome that goes with it, not
/// stored yet. Build one with completed(), failed() or stopped().
struct RunEnding {
  std::string_view event_type;  ///< agent_completed, agent_error or agent_death
  boost::json::object payload;
  /// status and error; the result and event_count are filled in by emit_ending().
  RunOutcome outcome;

  /// agent_completed with the agent's `result`.
  static RunEnding completed(boost::json::value result);
  /// agent_error: `message` is sanitised here, so the event and the stored error
  /// carry the same text.
  static RunEnding failed(std::string_view type, std::string_view message, bool recoverable);
  /// agent_death with `cause`, explained by `message` (written by the host).
  static RunEnding stopped(events::DeathCause cause, std::string_view message);

  /// The outcome when not even the terminal event could be stored (event_count 0).
  RunOutcome unstored() && { return std::move(outcome); }
};

/// The ending a worker process reported for its run (the terminal event its emitter
/// built), rebuilt with the builders above so that the event the supervisor stores and
/// the outcome it records are its own: an agent_death takes the supervisor's
/// `stop_cause` (it asked the run to stop; the worker only repeats it). Throws
/// std::invalid_argument naming what is malformed (a worker is untrusted): an unknown
/// type, a missing field, an agent_death the supervisor never asked for.
RunEnding ending_of_terminal(std::string_view type, const boost::json::object& payload,
                             std::optional<events::DeathCause> stop_cause,
                             const agenthost::ExecutionContext& context);

/// The outcome a stored terminal event says (crash recovery: the previous process
/// stored a run's end and was stopped before its final status): the same status and
/// error the builders above give that event. Throws std::invalid_argument when the
/// payload is not one the host stores.
RunOutcome outcome_of_stored_ending(std::string_view type, const boost::json::object& payload);

/// Emits `ending`'s terminal event through `emitter` (which closes it) and returns the
/// outcome to record. Emitter is the host's UserEventEmitter, whose emit_terminal
/// returns the stored event, or the SDK harness's RecordingEmitter, whose returns
/// nothing. Throws what the emitter throws (the store refused the event); `ending`'s
/// outcome is then as it was, ready for unstored().
template <class Emitter>
RunOutcome emit_ending(Emitter& emitter, RunEnding&& ending) {
  auto& outcome = ending.outcome;
  const bool completed = ending.event_type == "agent_completed";
  if constexpr (std::is_void_v<decltype(emitter.emit_terminal(ending.event_type,
                                                              std::move(ending.payload)))>) {
    // The harness: a plugin's tests see the value the agent returned (no user reads
    // it); its agent_completed event is sanitised as the host's is.
    if (completed) outcome.result = ending.payload.at("result");
    emitter.emit_terminal(ending.event_type, std::move(ending.payload));
  } else {
    // The host: the stored result is the event's, sanitised once by the emitter, so
    // that GET /v1/runs/{id} shows exactly what agent_completed carried.
    auto event = emitter.emit_terminal(ending.event_type, std::move(ending.payload));
    if (completed) outcome.result = event->payload.at("result");
    outcome.event_count = event->seq;
  }
  return std::move(outcome);
}

}  // namespace agenthost::execution
