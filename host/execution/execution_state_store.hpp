#pragma once
/// \file
/// ExecutionStateStore: monitoring only. Per-user and host-wide figures about runs,
/// fed by the ExecutionEngine as runs move through it. Nothing reads it to make a
/// decision; losing it would lose statistics, never a run.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "execution/execution_stats.hpp"

namespace agenthost::execution {

class ExecutionStateStore {
 public:
  struct Options {
    /// An idle user's entry (no active or queued run) is dropped this long after its
    /// last run ended, so the store does not grow with every user ever seen; the
    /// host-wide figures keep counting them.
    std::chrono::milliseconds idle_user_ttl{std::chrono::hours(1)};
    std::uint32_t user_capacity = 5;  ///< per-user concurrency cap, for the load penalty
  };

  using Clock = std::chrono::steady_clock;

  explicit ExecutionStateStore(Options options);

  /// The recording calls below are made by the engine, from any thread; each one
  /// updates the user's entry and the host-wide figures together.
  void record_submitted(const std::string& user_id);
  void record_started(const std::string& user_id, std::chrono::microseconds queue_wait);
  /// `status` is a terminal run status (database::run_status). `started` says whether
  /// record_started was called for this run: if so the run leaves `active` and its
  /// duration is recorded, else it leaves `queued`.
  void record_finished(const std::string& user_id, std::string_view status, bool started,
                       std::chrono::microseconds duration);

  /// Host-wide figures (all users, including evicted ones).
  ExecutionStats global_stats() const;
  /// One user's figures only; nullopt for a user never seen or evicted.
  std::optional<ExecutionStats> user_stats(std::string_view user_id) const;
  /// The user's health, its load measured against the current per-user cap.
  std::optional<HealthSummary> user_health(std::string_view user_id) const;
  /// The per-user cap changed (a reload): health from now on measures against it.
  void set_user_capacity(std::uint32_t capacity);

  /// Drops the entries of users idle since before `now - idle_user_ttl`; returns how
  /// many. Also done by the recording calls, at most once per sweep interval.
  std::size_t evict_idle(Clock::time_point now);
  /// Users with an entry.
  std::size_t user_count() const;

 private:
  struct UserEntry {
    ExecutionStats stats;
    Clock::time_point last_activity;
  };

  UserEntry& entry(const std::string& user_id, Clock::time_point now);
  void maybe_sweep(Clock::time_point now);
  std::size_t evict_locked(Clock::time_point now);

  const Options options_;
  const std::chrono::milliseconds sweep_interval_;
  mutable std::mutex mutex_;
  std::uint32_t user_capacity_;  // options_.user_capacity until a reload changes it
  ExecutionStats global_;
  std::map<std::string, UserEntry, std::less<>> users_;
  Clock::time_point last_sweep_;
};

}  // namespace agenthost::execution
