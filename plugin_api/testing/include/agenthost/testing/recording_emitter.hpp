#pragma once
/// \file
/// RecordingEmitter: an EventEmitter that behaves exactly like the host's per-run
/// emitter, because it is the host's emitter (UserEventEmitter) writing to an event
/// store that keeps every event in memory. So the type rules, the host-reserved types,
/// the sanitiser, the seq numbering and RunEnded after the run are the host's own,
/// and a test sees each payload as a client of the real host would.

#include <agenthost/event_emitter.hpp>
#include <agenthost/execution_context.hpp>

#include <boost/json/object.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace agenthost::testing {

namespace detail {
struct Access;
}

/// One event as the host would store and deliver it.
struct RecordedEvent {
  std::string type;
  /// 1 for the run's first event, then +1 per event, host events included.
  std::uint64_t seq = 0;
  /// After the host's sanitiser: secret-like keys "[REDACTED]", long strings and
  /// lists cut, internal keys dropped, paths in error_message hidden.
  boost::json::object payload;
};

class RecordingEmitter final : public agenthost::EventEmitter {
 public:
  /// Binds the emitter to `context`'s user, thread, run and agent, as the host does.
  /// The emitter copies what it needs; `context` need not outlive it.
  explicit RecordingEmitter(const agenthost::ExecutionContext& context);
  ~RecordingEmitter() override;

  /// The agent's emit (see agenthost::EventEmitter): thread-safe; throws
  /// std::invalid_argument for a malformed or host-reserved type, agenthost::RunEnded
  /// after close() or emit_terminal().
  void emit(std::string_view type, boost::json::object payload) override;

  /// Host side, for harnesses and tests of host-like code: emits a host event
  /// (agent_started, tool_executing, ...; not the terminal types).
  void emit_host(std::string_view type, boost::json::object payload);
  /// Host side: emits the run's final event (agent_completed, agent_error or
  /// agent_death) and closes the emitter.
  void emit_terminal(std::string_view type, boost::json::object payload);
  /// Ends the run for this emitter: every later emit throws RunEnded. Idempotent.
  void close();
  bool closed() const noexcept;

  /// Every event recorded so far, in seq order. Thread-safe (copies).
  std::vector<RecordedEvent> events() const;
  /// The types of events(), in order.
  std::vector<std::string> types() const;
  /// The events of one type, in order.
  std::vector<RecordedEvent> events_of(std::string_view type) const;
  /// Waits until an event of `type` has been recorded; false when `timeout` passes
  /// first. For tests that watch a run in progress from another thread.
  bool wait_for(std::string_view type, std::chrono::milliseconds timeout) const;

  /// Called with the type of each event the agent emits through emit(), on the
  /// agent's thread, right after it is recorded and before emit() returns to the
  /// agent (no lock held: the observer may request a stop). One observer; replaces
  /// the previous one. Set it before the run starts.
  void on_agent_event(std::function<void(std::string_view type)> observer);

 private:
  friend struct detail::Access;
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace agenthost::testing
