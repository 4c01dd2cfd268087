#pragma once
/// \file
/// EventLog: the durable, batched writer behind events::EventStore. Emitting
/// threads append without waiting; one writer thread stores everything queued in
/// one transaction per batch, in append order.

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "database/database_session_manager.hpp"
#include "events/event_store.hpp"

namespace agenthost::database {

class EventLog final : public events::EventStore {
 public:
  /// Leases one pooled session for its writer thread for its whole life (so event
  /// storage never waits behind runs for a session) and starts the writer. Throws
  /// DatabaseError when no session can be leased. Batches hold up to `max_batch`
  /// events.
  explicit EventLog(DatabaseSessionManager& manager, std::size_t max_batch = 512);
  /// Stores what is still queued (retrying as usual), then stops the writer. Never
  /// throws: events that still cannot be stored are counted in an error log line.
  ~EventLog() override;

  /// Queues the event; never waits for the database. Thread-safe. The queue is
  /// unbounded: while storage fails, events stay queued and are retried. Throws
  /// DatabaseError once the log is being destroyed.
  void append(const events::EventPtr& event) override;

  /// Returns when every event appended before the call is committed. Throws
  /// DatabaseError when a write failed after retries: either the database is
  /// unavailable (the events stay queued and are retried, so a later flush may
  /// succeed) or it refused particular events (each is logged with its run and
  /// seq and dropped: only one flush() reports a given refusal).
  void flush() override;
  /// The same for run `run_id` alone: waits for that run's events appended before
  /// the call (not for a global flush) and reports only that run's refusals.
  void flush_run(const std::string& run_id) override;
  void await_run_settled(const std::string& run_id) override;

  /// Events committed so far (a copy of an already stored (run_id, seq) is not
  /// counted: writes are idempotent so a retried batch cannot store twice).
  std::uint64_t written() const;
  /// Events appended so far (stored, queued or refused): every event any run emitted.
  std::uint64_t appended() const;

 private:
  struct Pending {
    events::EventPtr event;
    std::uint64_t ticket;  ///< 1-based append order
  };
  struct Refusal {
    std::uint64_t ticket;
    std::string run_id;  ///< the run whose event it was
    std::string reason;
  };

  void writer_loop();
  /// Waits (holding `lock`) until every ticket up to `target` is settled or storage
  /// failed meanwhile; throws the refusals `mine` picks (removing them), or the
  /// storage error when `target` is still not settled.
  void wait_settled(std::unique_lock<std::mutex>& lock, std::uint64_t target,
                    const std::function<bool(const Refusal&)>& mine);
  std::uint64_t last_ticket_locked(const std::string& run_id) const;
  /// Stores `batch` (with retries); returns the refusals, or sets `error` and
  /// returns false when storage failed and the whole batch must be kept.
  bool store_batch(const std::vector<Pending>& batch, std::vector<Refusal>& refusals,
                   std::uint64_t& stored, std::string& error);

  DatabaseSessionManager& manager_;
  const std::size_t max_batch_;
  std::optional<DatabaseSessionManager::Lease> lease_;  // used by the writer thread only

  mutable std::mutex mutex_;
  std::condition_variable work_;  // writer: something queued, or stopping
  std::condition_variable done_;  // flush(): a batch settled or failed
  std::deque<Pending> queue_;
  std::uint64_t appended_ = 0;  // tickets handed out
  std::uint64_t settled_ = 0;   // every ticket <= settled_ is stored or refused
  std::uint64_t storage_failures_ = 0;
  std::string last_error_;
  std::vector<Refusal> refusals_;  // not yet reported by a flush()
  // Runs with events not settled yet: the ticket of each one's last append.
  std::unordered_map<std::string, std::uint64_t> unsettled_runs_;
  std::uint64_t written_ = 0;
  bool stopping_ = false;
  bool stopped_ = false;

  std::thread writer_;
};

}  // namespace agenthost::database
