#pragma once
/// \file
/// SessionInbox: the EventSink of one WebSocket connection. The router and the
/// engine call deliver() on emitting threads while a run's emitter holds its lock,
/// so deliver only queues and wakes the connection's strand; the strand takes the
/// queued entries and writes them. Bounded: when the connection falls `capacity`
/// events behind, further events are not queued; a "lagging" marker for their run
/// is, and the strand reads what it missed from the event log instead (every event
/// is stored before it is delivered). So a burst never costs more than `capacity`
/// events of memory, and never loses one. Beast-free so it can be tested alone.

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_set>
#include <vector>

#include "events/event_sink.hpp"

namespace agenthost::server {

class SessionInbox final : public events::EventSink {
 public:
  /// Called, under the inbox's lock, when the inbox turns non-empty: must only post
  /// work to the connection's strand (never run it inline).
  using Wake = std::function<void()>;

  /// Events of any user but `user_id` are refused (and logged: the router should
  /// never send them). At most `capacity` events wait; each event dropped for want
  /// of room is counted in `*dropped` (may be null) until close().
  SessionInbox(std::string user_id, std::size_t capacity, std::atomic<std::uint64_t>* dropped,
               Wake wake);

  /// Queues `event` (or, when full, a lagging marker for its run) and wakes the
  /// strand; never blocks on I/O. Dropped after close().
  void deliver(const events::EventPtr& event) noexcept override;

  /// Queues a lagging marker for `run_id`: events of the run were dropped before
  /// reaching this inbox (see RunStartGate).
  void mark_lagging(const std::string& run_id) noexcept;

  /// One queued entry: an event, or (event null) a marker saying that events of
  /// `lagging_run` after the ones queued before the marker were dropped.
  struct Entry {
    events::EventPtr event;
    std::string lagging_run;
  };
  /// Takes everything queued, in order (strand).
  std::vector<Entry> take();

  /// No more deliveries and no more wakes, from when this returns; the wake function
  /// (which holds the strand's executor) is destroyed here, so that an inbox kept by
  /// the engine after the server is gone holds nothing of the server's I/O context.
  /// Idempotent.
  void close() noexcept;

  const std::string& user_id() const noexcept { return user_id_; }

 private:
  void push_marker_locked(const std::string& run_id);
  void push_locked(Entry entry);

  const std::string user_id_;
  const std::size_t capacity_;
  std::atomic<std::uint64_t>* dropped_;  // null after close(): it may outlive the server
  Wake wake_;                            // reset by close()
  std::mutex mutex_;
  std::vector<Entry> queue_;
  std::size_t queued_events_ = 0;
  std::unordered_set<std::string> marked_;  // runs with a marker in queue_
  bool closed_ = false;
};

/// RunStartGate: the sink a start_run hands to the engine. Holds the run's first
/// events back until the connection has queued run_accepted (open()), so the client
/// always learns the run id before it sees the run's events; then forwards to the
/// connection's inbox. Holds at most `capacity` events; beyond, they are dropped and
/// the run is marked lagging when the gate opens. Thread-safe.
class RunStartGate final : public events::EventSink {
 public:
  RunStartGate(std::shared_ptr<SessionInbox> inbox, std::size_t capacity)
      : inbox_(std::move(inbox)), capacity_(capacity) {}

  void deliver(const events::EventPtr& event) noexcept override;

  /// Forwards what was held back, in order, and everything after it directly.
  void open();

 private:
  const std::shared_ptr<SessionInbox> inbox_;
  const std::size_t capacity_;
  std::mutex mutex_;
  bool open_ = false;
  std::vector<events::EventPtr> held_;
  std::string lagging_run_;  // set when events were dropped before open()
};

}  // namespace agenthost::server
