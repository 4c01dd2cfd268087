#pragma once
/// \file
/// EventSink: where the router delivers a run's events (a WebSocket session, a test
/// recorder). Implemented by whoever subscribes.

#include "events/event.hpp"

namespace agenthost::events {

class EventSink {
 public:
  virtual ~EventSink() = default;

  /// Receives one event of a run this sink is subscribed to, in seq order for that
  /// run, once the event is stored. Called on the event log's writer thread (or, for
  /// an in-memory store, on the emitting thread while the run's emitter holds its
  /// lock): it must not block (queue the event and return) and must not call back
  /// into the emitter. It cannot fail: a sink that cannot keep up (full queue) must close its
  /// own connection, so that the client resumes from the stored log by seq, rather
  /// than drop events silently. Hence noexcept.
  virtual void deliver(const EventPtr& event) noexcept = 0;

 protected:
  EventSink() = default;
  EventSink(const EventSink&) = delete;
  EventSink& operator=(const EventSink&) = delete;
};

}  // namespace agenthost::events
