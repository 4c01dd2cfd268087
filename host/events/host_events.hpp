#pragma once
/// \file
/// Payloads of the events the host emits about a run, in the shape clients of the
/// original system know (see docs: the events table). Each builder only assembles
/// the object; UserEventEmitter sanitises it like any other payload (so an
/// error_message loses its paths and is cut at 300 bytes there).

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <cstdint>
#include <optional>
#include <string_view>

namespace agenthost::events {

/// Why a run died (agent_death.death_cause).
enum class DeathCause {
  timeout,         ///< the run exceeded its run_timeout
  cancelled,       ///< the user (or an operator) cancelled it
  shutdown,        ///< the host stopped before the run finished
  interrupted,     ///< found unfinished after a host restart
  input_timeout,   ///< the run waited for its user's answer longer than input_timeout
  worker_crashed,  ///< the worker process running it died (a signal, an exit, a memory limit)
  unresponsive     ///< told to stop, it did not within limits.cancel_grace: its worker was recycled
};

/// "timeout", "cancelled", "shutdown", "interrupted", "input_timeout", "worker_crashed"
/// or "unresponsive".
std::string_view to_string(DeathCause cause) noexcept;
/// The cause named `name` (to_string's inverse), or nullopt.
std::optional<DeathCause> death_cause_named(std::string_view name) noexcept;

/// agent_started: {status: "started", metadata, message}.
boost::json::object started_payload(boost::json::object metadata);

/// agent_completed: {success: true, result, message}.
boost::json::object completed_payload(boost::json::value result);

/// agent_error: {error_type, error_message, recoverable, message}.
boost::json::object error_payload(std::string_view error_type, std::string_view error_message,
                                  bool recoverable);

/// agent_death: {status: "dead", death_cause, message, recovery_action}.
boost::json::object death_payload(DeathCause cause, std::string_view message);

/// agent_resumed: {message, after_seq, from_checkpoint}: the run goes on in a new
/// instance of its agent (after a host restart, or its worker process's death).
boost::json::object resumed_payload(std::string_view message, std::uint64_t after_seq,
                                    bool from_checkpoint);

/// tool_executing: {tool_name, tool_input, message}.
boost::json::object tool_executing_payload(std::string_view tool_name, boost::json::value input);

/// tool_completed: {tool_name, success, result_summary, message}.
boost::json::object tool_completed_payload(std::string_view tool_name, bool success,
                                           boost::json::value result_summary);

}  // namespace agenthost::events
