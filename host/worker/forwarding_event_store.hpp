#pragma once
/// \file
/// ForwardingEventStore: the EventStore of a run in a worker process. The run's
/// UserEventEmitter checks and sanitises each event as it does in the supervisor
/// (the agent gets the same exceptions, at once); this store then sends the event's
/// type and payload to the supervisor, which numbers, stores and delivers it. The
/// worker's own numbering is never seen by anyone.
///
/// Each event sent is a step of the run's work (FiberWaiter::pause_point): an agent
/// that emits in a loop (each event a write to the channel, never a wait) would
/// otherwise keep its worker thread from the other runs it carries, other users'
/// included, until it stops.

#include "events/event_store.hpp"
#include "fiber/fiber_waiter.hpp"
#include "ipc/channel.hpp"

namespace agenthost::worker {

class ForwardingEventStore final : public events::EventStore {
 public:
  /// `waiter` is the run's.
  ForwardingEventStore(ipc::Channel& channel, fiber::FiberWaiter& waiter) noexcept
      : channel_(channel), waiter_(waiter) {}

  /// Sends the event; throws std::runtime_error when the supervisor is gone.
  void append(const events::EventPtr& event) override;
  void append(const events::EventPtr& event, events::EventRouter* deliver_to) override;
  /// Nothing is kept here: the supervisor's event log makes events durable.
  void flush() override {}

 private:
  ipc::Channel& channel_;
  fiber::FiberWaiter& waiter_;
  // The run's emitter serialises append (its lock is held across it): a yield there
  // holds up only this run's own threads, never another run.
};

}  // namespace agenthost::worker
