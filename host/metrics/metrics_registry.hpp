#pragma once
/// \file
/// MetricsRegistry: owns metric families and renders them all as one scrape in the
/// Prometheus text format 0.0.4.
///
/// Threads: families are added at startup, before the registry is shared (adding
/// is locked all the same, so a late add is safe). Series are updated from any
/// thread without a lock; render() may be called from any thread and is serialised
/// with other renders.

#include <functional>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "metrics/histogram.hpp"
#include "metrics/metric_family.hpp"
#include "metrics/metric_types.hpp"

namespace agenthost::metrics {

class MetricsRegistry {
 public:
  MetricsRegistry() = default;
  MetricsRegistry(const MetricsRegistry&) = delete;
  MetricsRegistry& operator=(const MetricsRegistry&) = delete;

  /// Adds a family; rendered in the order added. Throws std::invalid_argument for a
  /// bad name, label or bound (see MetricFamilyBase, Histogram::check_bounds), or
  /// when its name or a sample name it would write (for a histogram: name_bucket,
  /// name_sum, name_count) is already used by another family.
  MetricFamily<Counter>& add_counter(std::string name, std::string help,
                                     std::vector<Label> labels = {});
  /// A counter of seconds, added to in nanoseconds.
  MetricFamily<DurationCounter>& add_duration_counter(std::string name, std::string help,
                                                      std::vector<Label> labels = {});
  MetricFamily<Gauge>& add_gauge(std::string name, std::string help,
                                 std::vector<Label> labels = {});
  /// A histogram of durations; `upper_bounds_seconds` are the buckets (+Inf added).
  MetricFamily<Histogram>& add_histogram(std::string name, std::string help,
                                         std::vector<double> upper_bounds_seconds,
                                         std::vector<Label> labels = {});

  /// `hook` runs at the start of every render(), under the render lock: it sets
  /// gauges and mirrored counters from sources that keep their own figures (the
  /// engine's run counts, a pool's stats). It must not call render(). A hook that
  /// throws fails that render() with its exception.
  void add_collect_hook(std::function<void()> hook);

  /// Every family, in text format 0.0.4 (serve with kTextContentType).
  std::string render() const;

  /// The families' names, in the order added.
  std::vector<std::string> family_names() const;

 private:
  template <class Metric, class... Args>
  MetricFamily<Metric>& add(std::string name, std::string help, std::vector<Label> labels,
                            const Args&... args);

  mutable std::mutex mutex_;
  std::vector<std::unique_ptr<MetricFamilyBase>> families_;
  std::set<std::string, std::less<>> names_;  // family and sample names in use
  std::vector<std::function<void()>> hooks_;
};

}  // namespace agenthost::metrics
