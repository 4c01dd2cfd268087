#pragma once
/// \file
/// UserExecutionEngine: one user's share of the ExecutionEngine: the user's runs
/// that are ready to start, how many of them are running, and the user's limits.
/// Exists while the user has an accepted, unfinished run; removed when idle.

#include <cstdint>
#include <deque>
#include <memory>
#include <string>

#include "execution/run_entry.hpp"

namespace agenthost::execution {

/// Not thread-safe: every call is made under the ExecutionEngine's lock.
class UserExecutionEngine {
 public:
  UserExecutionEngine(std::string user_id, std::uint32_t max_concurrent, std::uint32_t max_queued);

  const std::string& user_id() const noexcept { return user_id_; }

  /// True when one more run would have to wait beyond the limit: runs that the
  /// user's free concurrency slots will take do not count as waiting, so with
  /// max_queued 0 a run is accepted exactly when a slot is free for it.
  bool queue_full() const noexcept {
    const std::uint32_t free_slots = active_ < max_concurrent_ ? max_concurrent_ - active_ : 0;
    return queued_ >= max_queued_ + free_slots;
  }
  /// A run of this user was accepted (it waits for its thread or is ready).
  void add_queued() noexcept { ++queued_; }
  /// A queued run ended without starting (cancelled, interrupted, shut down).
  void remove_queued() noexcept;

  /// The run may start as soon as a worker and the user's cap allow.
  void push_ready(std::shared_ptr<RunEntry> run);
  /// Takes `run` out of the ready queue (it will not start); false if not there.
  bool remove_ready(const RunEntry& run);

  /// A ready run exists and the user is below its concurrency cap.
  bool can_start() const noexcept { return !ready_.empty() && active_ < max_concurrent_; }
  /// Pops the oldest ready run and counts it active. Requires can_start().
  std::shared_ptr<RunEntry> start_next();
  /// A started run has ended.
  void finish_active() noexcept;

  /// A started run waits for its user's answer: it leaves the concurrency count for
  /// the waiting count (false, changing nothing, when that is at `max_waiting`).
  bool begin_waiting(std::uint32_t max_waiting) noexcept;
  /// The wait is over: the run counts as active again (even above the cap, which
  /// then lets no other run start until it is below).
  void end_waiting() noexcept;
  std::uint32_t waiting() const noexcept { return waiting_; }

  /// No run accepted and unfinished: the engine removes this user's engine.
  bool idle() const noexcept { return queued_ == 0 && active_ == 0 && waiting_ == 0; }
  std::uint32_t active() const noexcept { return active_; }
  std::uint32_t queued() const noexcept { return queued_; }

  /// New caps (a reload); running runs are not affected.
  void set_limits(std::uint32_t max_concurrent, std::uint32_t max_queued) noexcept {
    max_concurrent_ = max_concurrent;
    max_queued_ = max_queued;
  }

  /// Whether the engine's round-robin rotation currently lists this user.
  bool in_rotation = false;

 private:
  const std::string user_id_;
  std::uint32_t max_concurrent_;
  std::uint32_t max_queued_;
  std::deque<std::shared_ptr<RunEntry>> ready_;
  std::uint32_t queued_ = 0;  // accepted, not started: ready_ + waiting for their thread
  std::uint32_t active_ = 0;
  std::uint32_t waiting_ = 0;  // started runs waiting for their user's answer
};

}  // namespace agenthost::execution
