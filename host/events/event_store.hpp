#pragma once
/// \file
/// EventStore: the durable event log of every run (implemented by the database
/// component with batched writes). UserEventEmitter appends each event with the router
/// to deliver it through, and the store publishes it once it is durable: no client
/// ever sees an event a crash could lose, and one that reconnects reads what it missed.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>

#include "events/event.hpp"

namespace agenthost::events {

class EventRouter;

class EventStore {
 public:
  virtual ~EventStore() = default;

  /// Queues `event` for a batched write and returns without waiting for storage.
  /// Called on the emitting thread, possibly from many threads at once; events of
  /// one run arrive in seq order (the run's emitter holds a lock across append), and
  /// the store must keep that order for the run. May throw (for example when the
  /// store has been stopped); the emitter then neither numbers nor delivers the
  /// event and passes the exception to the caller of emit.
  virtual void append(const EventPtr& event) = 0;

  /// The same, and once `event` is durable it is published through `deliver_to`
  /// (when not null), each run's events in seq order. This default, for stores that
  /// keep an event at once (in memory), publishes before returning.
  virtual void append(const EventPtr& event, EventRouter* deliver_to);

  /// Blocks until every event appended so far (by any thread) is durable. Throws
  /// with the storage error when a write failed: the caller must not report those
  /// events as stored.
  virtual void flush() = 0;

  /// For a reader of run `run_id` (a replay, GET .../events): blocks until that run's
  /// events appended so far are settled, so that whatever was delivered is found.
  /// Refusals are left for the run itself to hear of; throws only when storage is
  /// failing. A store without batching has nothing more to do than flush().
  virtual void await_run_settled(const std::string& run_id) {
    (void)run_id;
    flush();
  }

  /// Flow control of one run (execution::StoragePacer): how many of run `run_id`'s
  /// events are queued and not yet stored. A store that keeps each event at once: 0.
  virtual std::size_t unstored_events(const std::string& run_id) const {
    (void)run_id;
    return 0;
  }
  /// When `below` or more of run `run_id`'s events are unstored, keeps `wake` and
  /// calls it once, on the store's own thread, when fewer are (or when the store
  /// gives up storing them), and returns a handle for forget_wake(); otherwise
  /// returns 0 and never calls it.
  virtual std::uint64_t wake_when_below(const std::string& run_id, std::size_t below,
                                        std::function<void()> wake) {
    (void)run_id;
    (void)below;
    (void)wake;
    return 0;
  }
  /// Drops wake `handle` of run `run_id`: true when it will not be called, false when
  /// it is being or has been called.
  virtual bool forget_wake(const std::string& run_id, std::uint64_t handle) {
    (void)run_id;
    (void)handle;
    return true;
  }

 protected:
  EventStore() = default;
  EventStore(const EventStore&) = delete;
  EventStore& operator=(const EventStore&) = delete;
};

}  // namespace agenthost::events
