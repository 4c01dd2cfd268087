#pragma once
/// \file
/// Figures about runs, for monitoring: counts, queue waits and durations, and the
/// health summary computed from them. Plain values; see ExecutionStateStore.

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace agenthost::execution {

/// min / average / max of a series of durations.
struct TimingSummary {
  std::uint64_t count = 0;
  std::chrono::microseconds min{0};
  std::chrono::microseconds max{0};
  std::chrono::microseconds total{0};

  void add(std::chrono::microseconds d);
  /// 0 when empty.
  std::chrono::microseconds average() const;
};

/// Counts for one user, or for the whole host.
struct ExecutionStats {
  std::uint64_t submitted = 0;  ///< accepted by the engine (refused runs are not counted)
  std::uint64_t started = 0;    ///< reached a worker (agent construction attempted)
  std::uint64_t completed = 0;
  std::uint64_t failed = 0;
  std::uint64_t cancelled = 0;  ///< by the user or at shutdown, started or not
  std::uint64_t timed_out = 0;
  std::uint64_t interrupted = 0;  ///< replaced by a newer run on the thread
  std::uint32_t active = 0;       ///< on a worker now
  std::uint32_t queued = 0;       ///< accepted, not started, not finished
  std::uint32_t peak_active = 0;
  TimingSummary queue_wait;  ///< submit -> start, of started runs
  TimingSummary duration;    ///< start -> end, of started runs

  /// completed + failed + cancelled + timed_out + interrupted.
  std::uint64_t finished() const;
  /// completed / (completed + failed + timed_out): cancellations and interruptions
  /// are the user's choice, not failures. 1.0 when nothing counted yet.
  double success_rate() const;
};

enum class HealthBand { excellent, good, degraded, critical };
std::string_view to_string(HealthBand band);

/// Score 100 minus penalties: 25 when the success rate is below 95 %, 15 when the
/// average duration is over 30 s, 10 when the active runs exceed 80 % of the
/// capacity (the worker pool for the host, the per-user concurrency cap for a user).
/// Bands: excellent >= 90, good >= 75, degraded >= 50, else critical.
struct HealthSummary {
  int score = 100;
  HealthBand band = HealthBand::excellent;
  std::vector<std::string> penalties;  ///< one line per penalty, saying why
};

HealthSummary assess_health(const ExecutionStats& stats, std::uint32_t capacity);

}  // namespace agenthost::execution
