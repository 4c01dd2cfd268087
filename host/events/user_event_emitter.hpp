#pragma once
/// \file
/// UserEventEmitter: the one emitter of one run. Bound for life to the run's user,
/// thread, run and agent (from its ExecutionContext), it sanitises each payload,
/// numbers the event (seq 1, 2, 3, ... with no gap), appends it to the store and
/// then publishes it to the run's subscribers, in that order, under one lock, so the
/// stored order, the delivered order and the seq order are the same.
///
/// Exactly one emitter per run_id: sub-requests of a run (child contexts) share the
/// run's emitter, or seq numbers would repeat.

#include <boost/json/object.hpp>

#include <agenthost/event_emitter.hpp>
#include <agenthost/execution_context.hpp>

#include <atomic>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>

#include "events/emit_pacer.hpp"
#include "events/event.hpp"
#include "events/event_router.hpp"
#include "events/event_store.hpp"
#include "events/sanitizer.hpp"

namespace agenthost::events {

class UserEventEmitter final : public agenthost::EventEmitter {
 public:
  /// Copies the ids it needs from `context`. `store` and `router` (and `pacer`, when
  /// given: called after each event but the terminal one) must outlive the emitter.
  /// Throws std::invalid_argument when a limit is 0 (nothing could be kept).
  UserEventEmitter(const agenthost::ExecutionContext& context, EventStore& store,
                   EventRouter& router, SanitizerLimits limits = {}, EmitPacer* pacer = nullptr);

  /// Agent-facing (the SDK's EventEmitter::emit). Thread-safe. Throws
  /// std::invalid_argument for a type not matching [a-z][a-z0-9_.]{0,63} or reserved
  /// for the host (agenthost::is_host_event_type); agenthost::RunEnded after close()
  /// or emit_terminal(); whatever EventStore::append throws (the event is then
  /// neither numbered nor delivered).
  void emit(std::string_view type, boost::json::object payload) override;

  /// Host-facing: like emit() but any valid type, including the host's own
  /// (agent_started, tool_executing, tool_completed), except the terminal types,
  /// which only emit_terminal() sends. Returns the event as stored and delivered.
  EventPtr emit_host(std::string_view type, boost::json::object payload);

  /// Emits the run's final event (agent_completed, agent_error or agent_death) and
  /// closes the emitter in the same step, so no event of the run can follow it.
  /// Throws std::invalid_argument for any other type, RunEnded when already closed
  /// (another terminal event won, e.g. a timeout against a completion), and what
  /// append throws (the emitter then stays open).
  EventPtr emit_terminal(std::string_view type, boost::json::object payload);

  /// Ends the run for this emitter without a final event: every later emit throws
  /// RunEnded. Idempotent. When it returns, no emit is in progress any more. Must
  /// not be called from an EventSink::deliver (the emitter's lock is held there).
  void close();

  bool closed() const noexcept { return closed_.load(std::memory_order_acquire); }

  /// For a run resumed after a host restart: its events continue after `seq`, the
  /// last one stored before. Call before the first emit.
  void continue_after(std::uint64_t seq) noexcept {
    last_seq_.store(seq, std::memory_order_release);
  }

  /// seq of the last event emitted (host or agent), 0 before the first: the number
  /// of events of the run so far.
  std::uint64_t last_seq() const noexcept { return last_seq_.load(std::memory_order_acquire); }

  /// Events the agent emitted through emit() (host events not counted).
  std::uint64_t emitted_count() const noexcept {
    return agent_events_.load(std::memory_order_relaxed);
  }

  const std::string& user_id() const noexcept { return user_id_; }
  const std::string& run_id() const noexcept { return run_id_; }

 private:
  enum class Ending { keep_open, close_run };

  EventPtr send(std::string_view type, boost::json::object payload, Ending ending);
  [[noreturn]] void throw_run_ended() const;

  const std::string user_id_;
  const std::string thread_id_;
  const std::string run_id_;
  const std::string agent_name_;
  EventStore& store_;
  EventRouter& router_;
  const SanitizerLimits limits_;
  EmitPacer* const pacer_;

  std::mutex mutex_;  // held across stamp + append + publish: one order for all three
  std::atomic<bool> closed_{false};         // written under mutex_
  std::atomic<std::uint64_t> last_seq_{0};  // written under mutex_
  std::atomic<std::uint64_t> agent_events_{0};
};

}  // namespace agenthost::events
