#include "load_stats.hpp"

#include <algorithm>
#include <cmath>
#include <iterator>
#include <numeric>

namespace agenthost::bench::load {

namespace {
constexpr std::size_t kKeptErrorMessages = 10;
}

void LoadStats::add_error(const std::string& kind, const std::string& message) {
  ++error_kinds[kind];
  if (error_samples.size() < kKeptErrorMessages) error_samples.push_back(message);
}

void LoadStats::merge(LoadStats&& other) {
  runs_completed += other.runs_completed;
  events += other.events;
  frames += other.frames;
  bytes += other.bytes;
  latencies_us.insert(latencies_us.end(), other.latencies_us.begin(), other.latencies_us.end());
  last_terminal = std::max(last_terminal, other.last_terminal);
  runs_started += other.runs_started;
  runs_failed += other.runs_failed;
  runs_refused += other.runs_refused;
  runs_unfinished += other.runs_unfinished;
  connection_errors += other.connection_errors;
  for (const auto& [kind, n] : other.error_kinds) error_kinds[kind] += n;
  std::move(other.violations.begin(), other.violations.end(), std::back_inserter(violations));
  for (auto& message : other.error_samples)
    if (error_samples.size() < kKeptErrorMessages) error_samples.push_back(std::move(message));
}

LatencySummary summarize(std::vector<std::uint32_t>& latencies_us) {
  LatencySummary s;
  s.samples = latencies_us.size();
  if (latencies_us.empty()) return s;
  std::sort(latencies_us.begin(), latencies_us.end());
  const auto at = [&](double quantile) {
    // Nearest rank: the smallest sample with at least `quantile` of them at or below it.
    const auto rank =
        static_cast<std::size_t>(std::ceil(quantile * static_cast<double>(s.samples)));
    return latencies_us[std::clamp<std::size_t>(rank, 1, s.samples) - 1] / 1000.0;
  };
  const double sum = std::accumulate(latencies_us.begin(), latencies_us.end(), 0.0);
  s.mean_ms = sum / static_cast<double>(s.samples) / 1000.0;
  s.p50_ms = at(0.50);
  s.p90_ms = at(0.90);
  s.p99_ms = at(0.99);
  s.p999_ms = at(0.999);
  s.max_ms = latencies_us.back() / 1000.0;
  return s;
}

}  // namespace agenthost::bench::load
