#pragma once
/// \file
/// Histogram: how durations are distributed over fixed buckets (Prometheus type
/// histogram). Observing is lock-free: a search over the bounds and two relaxed
/// fetch_adds (the bucket and the sum, both whole nanoseconds).

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

namespace agenthost::metrics {

/// A consistent-enough copy for rendering: the count is the sum of the buckets read,
/// so `+Inf` and `_count` always agree; the sum may be a few observations apart.
struct HistogramSnapshot {
  std::vector<double> upper_bounds;  ///< seconds, ascending; +Inf not included
  /// Cumulative counts, one per bound and a last one for +Inf (== count).
  std::vector<std::uint64_t> cumulative;
  double sum_seconds = 0;
  std::uint64_t count = 0;
};

class alignas(64) Histogram {
 public:
  static constexpr const char* kType = "histogram";

  /// `upper_bounds_seconds`: the buckets' upper bounds in seconds; non-empty, each
  /// finite, above 0 and at most 1e9, strictly increasing, and distinct at
  /// nanosecond resolution. Throws std::invalid_argument saying which bound is wrong.
  explicit Histogram(std::span<const double> upper_bounds_seconds);
  Histogram(const Histogram&) = delete;
  Histogram& operator=(const Histogram&) = delete;

  /// Counts `d` into the first bucket whose bound is >= d (a bound is inclusive,
  /// as `le` says). A negative duration counts as 0. Any thread.
  void observe(std::chrono::nanoseconds d) noexcept;

  HistogramSnapshot snapshot() const;

  /// Throws std::invalid_argument when `upper_bounds_seconds` breaks the rules above.
  static void check_bounds(std::span<const double> upper_bounds_seconds);

 private:
  std::vector<double> bounds_seconds_;
  std::vector<std::int64_t> bounds_ns_;
  // Not cumulative; one slot per bound plus the +Inf slot.
  std::unique_ptr<std::atomic<std::uint64_t>[]> buckets_;
  std::atomic<std::uint64_t> sum_ns_{0};
};

}  // namespace agenthost::metrics
