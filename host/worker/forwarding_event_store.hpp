#pragma once
/// \file
/// ForwardingEventStore: the EventStore of a run in a worker process, and its pacer.
/// The run's UserEventEmitter checks and sanitises each event as it does in the
/// supervisor (the agent gets the same exceptions, at once); this store then sends
/// the event's type and payload to the supervisor, which numbers, stores and delivers
/// it. The worker's own numbering is never seen by anyone.
///
/// Pacing, after each event sent (outside the emitter's lock):
///  - a step of the run's work (FiberWaiter::pause_point): an agent that emits in a
///    loop (each event a write to the channel, never a wait) would otherwise keep its
///    worker thread from the other runs it carries, other users' included;
///  - while ipc::kEventWindow or more of the run's events are not acknowledged by the
///    supervisor (ack frames), the run waits, suspended: the supervisor acknowledges
///    only what its event log has room for, so a run emitting faster than the
///    database stores waits here instead of piling its events up in the supervisor.
///    A run told to stop is no longer held (it must be able to end).

#include <cstdint>
#include <functional>
#include <mutex>
#include <stop_token>
#include <utility>
#include <vector>

#include "events/emit_pacer.hpp"
#include "events/event_store.hpp"
#include "fiber/fiber_waiter.hpp"
#include "ipc/channel.hpp"

namespace agenthost::worker {

class ForwardingEventStore final : public events::EventStore, public events::EmitPacer {
 public:
  /// `waiter` and `stop` are the run's.
  ForwardingEventStore(ipc::Channel& channel, fiber::FiberWaiter& waiter, std::stop_token stop)
      : channel_(channel), waiter_(waiter), stop_(std::move(stop)) {}

  /// Sends the event; throws std::runtime_error when the supervisor is gone.
  void append(const events::EventPtr& event) override;
  void append(const events::EventPtr& event, events::EventRouter* deliver_to) override;
  /// Nothing is kept here: the supervisor's event log makes events durable.
  void flush() override {}

  void after_emit() noexcept override;

  /// The supervisor has taken `events` of the run's event frames (an ack frame).
  /// Any thread.
  void acknowledged(std::uint64_t events);

  /// Threads of the run waiting for an ack now.
  std::size_t waiting() const;

 private:
  bool within_window_locked() const;

  ipc::Channel& channel_;
  fiber::FiberWaiter& waiter_;
  const std::stop_token stop_;
  mutable std::mutex mutex_;
  std::uint64_t sent_ = 0;
  std::uint64_t acknowledged_ = 0;
  // The run's threads waiting for an ack (the fiber, or threads the agent started).
  std::vector<std::pair<std::uint64_t, std::function<void()>>> wakes_;
  std::uint64_t next_wake_ = 0;
};

}  // namespace agenthost::worker
