#include "metrics/histogram.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

namespace agenthost::metrics {

namespace {

std::int64_t to_nanoseconds(double seconds) { return std::llround(seconds * 1e9); }

}  // namespace

void Histogram::check_bounds(std::span<const double> upper_bounds_seconds) {
  if (upper_bounds_seconds.empty())
    throw std::invalid_argument("histogram needs at least one bucket bound");
  for (std::size_t i = 0; i < upper_bounds_seconds.size(); ++i) {
    const double b = upper_bounds_seconds[i];
    const auto where =
        "histogram bucket bound #" + std::to_string(i + 1) + " (" + std::to_string(b) + " s)";
    // +Inf is implicit: every histogram gets it.
    if (!std::isfinite(b) || b <= 0 || b > 1e9)
      throw std::invalid_argument(where + " must be finite, above 0 and at most 1e9 seconds");
    if (i > 0 && to_nanoseconds(b) <= to_nanoseconds(upper_bounds_seconds[i - 1]))
      throw std::invalid_argument(where +
                                  " must be above the previous bound (at nanosecond resolution)");
  }
}

Histogram::Histogram(std::span<const double> upper_bounds_seconds)
    : bounds_seconds_(upper_bounds_seconds.begin(), upper_bounds_seconds.end()) {
  check_bounds(upper_bounds_seconds);
  bounds_ns_.reserve(bounds_seconds_.size());
  for (const double b : bounds_seconds_) bounds_ns_.push_back(to_nanoseconds(b));
  buckets_ = std::make_unique<std::atomic<std::uint64_t>[]>(bounds_ns_.size() + 1);
}

void Histogram::observe(std::chrono::nanoseconds d) noexcept {
  const std::int64_t ns = std::max<std::int64_t>(d.count(), 0);
  const auto slot = static_cast<std::size_t>(
      std::lower_bound(bounds_ns_.begin(), bounds_ns_.end(), ns) - bounds_ns_.begin());
  buckets_[slot].fetch_add(1, std::memory_order_relaxed);
  sum_ns_.fetch_add(static_cast<std::uint64_t>(ns), std::memory_order_relaxed);
}

HistogramSnapshot Histogram::snapshot() const {
  HistogramSnapshot s;
  s.upper_bounds = bounds_seconds_;
  s.cumulative.reserve(bounds_ns_.size() + 1);
  std::uint64_t running = 0;
  for (std::size_t i = 0; i <= bounds_ns_.size(); ++i) {
    running += buckets_[i].load(std::memory_order_relaxed);
    s.cumulative.push_back(running);
  }
  s.count = running;
  s.sum_seconds = static_cast<double>(sum_ns_.load(std::memory_order_relaxed)) / 1e9;
  return s;
}

}  // namespace agenthost::metrics
