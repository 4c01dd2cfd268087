#pragma once
/// \file
/// Retention: how much of finished runs the host keeps. Per-user storage accounting
/// (the bytes of a user's runs and their events), and a policy that deletes finished
/// runs, oldest first, with their events: those finished longer ago than max_age,
/// and a user's oldest ones while the user stores more than max_bytes_per_user.
/// Queued and running runs are never touched. Deletion goes in small batches, each
/// its own short transaction, so runs and event storage wait at most for one batch.

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>

#include "database/database_session_manager.hpp"

namespace agenthost::database {

struct RetentionPolicy {
  /// Finished runs older than this (by finished_at) are deleted; 0: kept by age.
  std::chrono::milliseconds max_age{0};
  /// A user's oldest finished runs are deleted while the user stores more; 0: no cap.
  std::uint64_t max_bytes_per_user = 0;
  /// Runs deleted per transaction.
  std::uint32_t batch_runs = 100;

  bool enabled() const noexcept { return max_age.count() > 0 || max_bytes_per_user > 0; }
};

/// What one pass deleted.
struct RetentionReport {
  std::uint64_t runs_deleted = 0;
  std::uint64_t events_deleted = 0;
  std::uint64_t batches = 0;
};

/// Bytes each user stores: the text of their runs' input, result and error, and of
/// their events' payloads (bytes of the stored UTF-8, not characters). A full scan:
/// the retention pass calls it once, not per request. Throws DatabaseError.
std::map<std::string, std::uint64_t> storage_by_user(DatabaseSessionManager& manager);

/// One pass of `policy` at `now`; a session of `manager` per batch. Stops between
/// batches once `keep_going` (when given) returns false. Throws DatabaseError (what
/// was deleted before stays deleted: each batch is whole).
RetentionReport apply_retention(DatabaseSessionManager& manager, const RetentionPolicy& policy,
                                std::chrono::system_clock::time_point now,
                                const std::function<bool()>& keep_going = {});

/// The host's background retention: a thread that applies the policy every
/// `interval`, logging what it deleted and, on failure, the error (and trying again
/// at the next interval). Does nothing when the policy is not enabled.
class RetentionTask {
 public:
  RetentionTask(DatabaseSessionManager& manager, RetentionPolicy policy,
                std::chrono::milliseconds interval);
  /// Stops the thread (waiting for the batch in progress, not for the pass).
  ~RetentionTask();
  RetentionTask(const RetentionTask&) = delete;
  RetentionTask& operator=(const RetentionTask&) = delete;

  /// Starts the thread; the first pass runs at once. Idempotent.
  void start();
  /// Stops after the batch in progress. Idempotent; the destructor calls it.
  void stop();
  /// Passes completed so far (successful or not), for tests and monitoring.
  std::uint64_t passes() const;

 private:
  void loop();
  bool stopping() const;

  DatabaseSessionManager& manager_;
  const RetentionPolicy policy_;
  const std::chrono::milliseconds interval_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::uint64_t passes_ = 0;
  std::thread thread_;
};

}  // namespace agenthost::database
