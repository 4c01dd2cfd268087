#pragma once
/// \file
/// SessionInbox: the EventSink of one WebSocket connection. The router and the
/// engine call deliver() on emitting threads while a run's emitter holds its lock,
/// so deliver only queues (bounded) and wakes the connection's strand; the strand
/// takes the queued events and writes them. Beast-free so it can be tested alone.

#include <cstddef>
#include <functional>
#include <mutex>
#include <string>
#include <vector>

#include "events/event_sink.hpp"

namespace agenthost::server {

class SessionInbox final : public events::EventSink {
 public:
  /// Called, under the inbox's lock, when the inbox turns non-empty or overflows:
  /// must only post work to the connection's strand (never run it inline).
  using Wake = std::function<void()>;

  /// Events of any user but `user_id` are refused (and logged: the router should
  /// never send them). At most `capacity` events wait; one more overflows.
  SessionInbox(std::string user_id, std::size_t capacity, Wake wake);

  /// Queues `event` and wakes the strand; never blocks on I/O. After an overflow or
  /// close() events are dropped: the connection is being closed and its client
  /// resumes from the stored log by seq.
  void deliver(const events::EventPtr& event) noexcept override;

  struct Batch {
    std::vector<events::EventPtr> events;
    bool overflowed = false;  ///< the client fell `capacity` events behind
  };
  /// Takes everything queued (strand).
  Batch take();

  /// Marks the inbox overflowed (the connection will be closed) and wakes the strand.
  void overflow() noexcept;

  /// No more deliveries and no more wakes, from when this returns. Idempotent.
  void close() noexcept;

  const std::string& user_id() const noexcept { return user_id_; }

 private:
  const std::string user_id_;
  const std::size_t capacity_;
  const Wake wake_;
  std::mutex mutex_;
  std::vector<events::EventPtr> queue_;
  bool overflowed_ = false;
  bool closed_ = false;
};

/// RunStartGate: the sink a start_run hands to the engine. Holds the run's first
/// events back until the connection has queued run_accepted (open()), so the client
/// always learns the run id before it sees the run's events; then forwards to the
/// connection's inbox. Thread-safe.
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
  bool overflowed_ = false;
};

}  // namespace agenthost::server
