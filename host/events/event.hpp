#pragma once
/// \file
/// Event: one thing that happened in a run, as stored in the event log and delivered
/// to the run's user. Built once by UserEventEmitter and then shared, immutable, by
/// the store and every subscriber (EventPtr).

#include <boost/json/object.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace agenthost::events {

struct Event {
  std::string type;     ///< agent_started, agent_thinking, ..., or a plugin's own type
  std::string user_id;  ///< for routing and storage only: never serialised to clients
  std::string run_id;
  std::string thread_id;
  std::string agent_name;
  /// Per run: 1 for the first event, then +1 for each event, no gaps and no repeats,
  /// so a client resumes after the last seq it saw and misses nothing.
  std::uint64_t seq = 0;
  std::chrono::system_clock::time_point timestamp;
  boost::json::object payload;  ///< already sanitised
};

/// One allocation shared by the store and every sink; nobody may modify it.
using EventPtr = std::shared_ptr<const Event>;

/// Longest event type accepted (the pattern is [a-z][a-z0-9_.]{0,63}).
inline constexpr std::size_t kMaxEventTypeLength = 64;

/// True for [a-z][a-z0-9_.]{0,63}: what any event type, host or plugin, must look like.
bool is_valid_event_type(std::string_view type) noexcept;

/// True for the types that end a run: agent_completed, agent_error, agent_death.
/// Exactly one of them is a run's last event (UserEventEmitter::emit_terminal).
bool is_terminal_event_type(std::string_view type) noexcept;

/// The JSON a client receives: {type, run_id, thread_id, agent_name, seq, timestamp,
/// payload}, with the timestamp in format_rfc3339(). Never contains user_id.
boost::json::object to_envelope(const Event& event);

/// "2026-11-26T06:20:47.123Z": UTC, milliseconds (truncated, not rounded), 'Z' suffix.
std::string format_rfc3339(std::chrono::system_clock::time_point time);

}  // namespace agenthost::events
