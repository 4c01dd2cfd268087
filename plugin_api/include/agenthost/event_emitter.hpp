#pragma once
/// \file
/// EventEmitter: how an agent tells its user what it is doing. The host binds one
/// emitter to each run (user, thread, run); events reach only that user's
/// subscribers, whatever the agent puts in the payload.

#include <boost/json/object.hpp>

#include <algorithm>
#include <stdexcept>
#include <string_view>

namespace agenthost {

/// Event types only the host emits. emit() refuses them.
inline constexpr std::string_view kHostEventTypes[] = {
    "agent_started",  "agent_completed", "model_delta",    "model_completed",
    "agent_error",    "agent_death",     "tool_executing", "tool_completed",
    "input_required", "input_received",  "agent_resumed"};

inline bool is_host_event_type(std::string_view type) {
  return std::find(std::begin(kHostEventTypes), std::end(kHostEventTypes), type) !=
         std::end(kHostEventTypes);
}

class EventEmitter {
 public:
  virtual ~EventEmitter() = default;

  /// Emits an event of `type` (for example "agent_thinking", "progress_update" or a
  /// type of the plugin's own, [a-z0-9_.]) with `payload`. The host sanitises the
  /// payload (secret-like keys redacted, long strings and lists cut), stamps it with
  /// the run's ids, a per-run sequence number and a timestamp, stores it and
  /// delivers it. Thread-safe. Usually returns at once (the event is queued); a run
  /// emitting faster than the host stores its events waits here, suspended, until
  /// most of those queued are stored (never once the run is stopped). Throws
  /// std::invalid_argument for a host-reserved or malformed type or a payload holding
  /// NaN or an infinity (JSON has neither), and agenthost::RunEnded (a
  /// std::runtime_error) once the run is over.
  virtual void emit(std::string_view type, boost::json::object payload) = 0;

  /// agent_thinking {thought, step}.
  void thinking(std::string_view thought, int step = 0) {
    emit("agent_thinking", boost::json::object{{"thought", thought}, {"step", step}});
  }

  /// progress_update {progress_percentage (clamped 0-100), current_step}.
  void progress(double percentage, std::string_view current_step) {
    emit("progress_update",
         boost::json::object{{"progress_percentage", std::clamp(percentage, 0.0, 100.0)},
                             {"current_step", current_step}});
  }

 protected:
  EventEmitter() = default;
  EventEmitter(const EventEmitter&) = delete;
  EventEmitter& operator=(const EventEmitter&) = delete;
};

/// Thrown by SDK services used after their run has ended (the run's scope is gone).
class RunEnded : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace agenthost
