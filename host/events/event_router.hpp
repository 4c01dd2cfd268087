#pragma once
/// \file
/// EventRouter: delivers each published event to the sinks subscribed to its run by
/// its own user, and to nobody else. One router serves the whole host; publish is
/// the hot path (every event of every run), subscribe/unsubscribe happen when a
/// client connects to or leaves a run's stream.
///
/// Joining a run without a gap: subscribe first, then read the run's stored events
/// (EventStore::flush, then the log), then deliver live events whose seq is above
/// the last stored one read. An event published between the two is seen twice and
/// dropped by seq, never missed.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "events/event.hpp"
#include "events/event_sink.hpp"

namespace agenthost::events {

class EventRouter {
  struct State;

 public:
  /// Move-only handle of one subscription: the sink receives the run's events while
  /// the handle is alive. Destroying the handle or calling reset() unsubscribes;
  /// a publish already running on another thread may still deliver the events it
  /// had picked up (the sink is kept alive by that publish until it returns).
  /// If the router is destroyed first, the handle becomes inert: reset() and the
  /// destructor do nothing (the handle only holds a weak reference to the router).
  class Subscription {
   public:
    Subscription() noexcept = default;
    Subscription(Subscription&& other) noexcept;
    Subscription& operator=(Subscription&& other) noexcept;
    Subscription(const Subscription&) = delete;
    Subscription& operator=(const Subscription&) = delete;
    ~Subscription();

    /// Unsubscribes now; idempotent. Thread-safe with respect to publish and to
    /// other subscriptions, but one handle must not be used by two threads at once.
    void reset() noexcept;

    /// True until reset(), a move from it, or destruction.
    explicit operator bool() const noexcept { return id_ != 0; }

   private:
    friend class EventRouter;
    Subscription(std::weak_ptr<State> state, std::string run_id, std::uint64_t id) noexcept;

    std::weak_ptr<State> state_;
    std::string run_id_;
    std::uint64_t id_ = 0;
  };

  EventRouter();
  ~EventRouter();
  EventRouter(const EventRouter&) = delete;
  EventRouter& operator=(const EventRouter&) = delete;

  /// Subscribes `sink` to the events of run `run_id` that belong to user `user_id`.
  /// The router keeps only a weak reference to the sink: the caller owns it (a
  /// session may thus own its own Subscription without a reference cycle), and a
  /// sink that has been destroyed is skipped. Any thread. Throws
  /// std::invalid_argument for an empty user_id or run_id or a null sink.
  [[nodiscard]] Subscription subscribe(std::string user_id, std::string run_id,
                                       std::shared_ptr<EventSink> sink);

  /// Delivers `event` to every live sink subscribed with exactly (event->user_id,
  /// event->run_id), on the calling thread, after releasing the router's lock. Any
  /// thread; calls for one run must be serialised by the caller to keep seq order
  /// (UserEventEmitter does). A sink of another user subscribed to the same run_id
  /// gets nothing.
  void publish(const EventPtr& event);

  /// Live subscriptions (handles not yet reset). 0 once every handle is gone.
  std::size_t subscription_count() const noexcept;

  /// Runs with at least one subscription: runs whose last handle went are erased, so
  /// this returns to 0 too.
  std::size_t run_count() const;

 private:
  std::shared_ptr<State> state_;
};

}  // namespace agenthost::events
