#pragma once
/// \file
/// The values behind one series: Counter, DurationCounter and Gauge. Each is updated
/// lock-free from any thread; the hot path is one relaxed atomic operation. Relaxed
/// is enough: a scrape needs each value to be some recent value, not an ordering
/// between series. Each value sits on its own cache line, so that series bumped by
/// different threads (one per agent, say) do not slow each other down.

#include <atomic>
#include <chrono>
#include <cstdint>

namespace agenthost::metrics {

/// A count that only goes up (Prometheus type counter).
class alignas(64) Counter {
 public:
  static constexpr const char* kType = "counter";

  /// Adds `n`. One relaxed fetch_add. Any thread.
  void inc(std::uint64_t n = 1) noexcept { value_.fetch_add(n, std::memory_order_relaxed); }
  /// Sets the total, for a counter mirrored at scrape time from a source that keeps
  /// its own monotonic total (a pool's wait count). Never mixed with inc() on one
  /// series.
  void mirror(std::uint64_t total) noexcept { value_.store(total, std::memory_order_relaxed); }
  std::uint64_t value() const noexcept { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<std::uint64_t> value_{0};
};

/// A counter of time, kept in nanoseconds so that adding stays one integer
/// fetch_add, and exposed in seconds (the Prometheus base unit).
class alignas(64) DurationCounter {
 public:
  static constexpr const char* kType = "counter";

  /// Adds `d`; a negative duration adds nothing. Any thread.
  void add(std::chrono::nanoseconds d) noexcept {
    if (d.count() > 0)
      nanoseconds_.fetch_add(static_cast<std::uint64_t>(d.count()), std::memory_order_relaxed);
  }
  /// Sets the total; see Counter::mirror.
  void mirror(std::chrono::nanoseconds total) noexcept {
    nanoseconds_.store(total.count() > 0 ? static_cast<std::uint64_t>(total.count()) : 0,
                       std::memory_order_relaxed);
  }
  double seconds() const noexcept {
    return static_cast<double>(nanoseconds_.load(std::memory_order_relaxed)) / 1e9;
  }

 private:
  std::atomic<std::uint64_t> nanoseconds_{0};
};

/// A value that goes up and down (Prometheus type gauge). Whole numbers: every
/// gauge of the host counts something.
class alignas(64) Gauge {
 public:
  static constexpr const char* kType = "gauge";

  void set(std::int64_t v) noexcept { value_.store(v, std::memory_order_relaxed); }
  void add(std::int64_t d) noexcept { value_.fetch_add(d, std::memory_order_relaxed); }
  void inc() noexcept { add(1); }
  void dec() noexcept { add(-1); }
  std::int64_t value() const noexcept { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<std::int64_t> value_{0};
};

}  // namespace agenthost::metrics
