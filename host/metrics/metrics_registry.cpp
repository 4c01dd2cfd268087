#include "metrics/metrics_registry.hpp"

#include <stdexcept>

namespace agenthost::metrics {

template <class Metric, class... Args>
MetricFamily<Metric>& MetricsRegistry::add(std::string name, std::string help,
                                           std::vector<Label> labels, const Args&... args) {
  auto family = std::make_unique<MetricFamily<Metric>>(std::move(name), std::move(help),
                                                       std::move(labels), args...);
  auto& result = *family;
  const std::lock_guard lock(mutex_);
  // The family's own name (its HELP and TYPE lines) and the names of its samples.
  auto names = family->sample_names();
  names.push_back(family->name());
  for (const auto& n : names)
    if (names_.contains(n))
      throw std::invalid_argument("metric family '" + family->name() + "': the name '" + n +
                                  "' is already used by another family");
  names_.insert(names.begin(), names.end());
  families_.push_back(std::move(family));
  return result;
}

MetricFamily<Counter>& MetricsRegistry::add_counter(std::string name, std::string help,
                                                    std::vector<Label> labels) {
  return add<Counter>(std::move(name), std::move(help), std::move(labels));
}

MetricFamily<DurationCounter>& MetricsRegistry::add_duration_counter(std::string name,
                                                                     std::string help,
                                                                     std::vector<Label> labels) {
  return add<DurationCounter>(std::move(name), std::move(help), std::move(labels));
}

MetricFamily<Gauge>& MetricsRegistry::add_gauge(std::string name, std::string help,
                                                std::vector<Label> labels) {
  return add<Gauge>(std::move(name), std::move(help), std::move(labels));
}

MetricFamily<Histogram>& MetricsRegistry::add_histogram(std::string name, std::string help,
                                                        std::vector<double> upper_bounds_seconds,
                                                        std::vector<Label> labels) {
  // Checked before the family builds a series per label combination.
  try {
    Histogram::check_bounds(upper_bounds_seconds);
  } catch (const std::invalid_argument& e) {
    throw std::invalid_argument("metric family '" + name + "': " + e.what());
  }
  return add<Histogram>(std::move(name), std::move(help), std::move(labels),
                        std::span<const double>(upper_bounds_seconds));
}

void MetricsRegistry::add_collect_hook(std::function<void()> hook) {
  const std::lock_guard lock(mutex_);
  hooks_.push_back(std::move(hook));
}

std::string MetricsRegistry::render() const {
  const std::lock_guard lock(mutex_);
  for (const auto& hook : hooks_) hook();
  std::string out;
  out.reserve(4096);
  for (const auto& family : families_) family->render(out);
  return out;
}

std::vector<std::string> MetricsRegistry::family_names() const {
  const std::lock_guard lock(mutex_);
  std::vector<std::string> names;
  names.reserve(families_.size());
  for (const auto& family : families_) names.push_back(family->name());
  return names;
}

}  // namespace agenthost::metrics
