#include "execution/execution_stats.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace agenthost::execution {

void TimingSummary::add(std::chrono::microseconds d) {
  if (count == 0 || d < min) min = d;
  if (count == 0 || d > max) max = d;
  total += d;
  ++count;
}

std::chrono::microseconds TimingSummary::average() const {
  return count == 0 ? std::chrono::microseconds{0} : total / static_cast<std::int64_t>(count);
}

std::uint64_t ExecutionStats::finished() const {
  return completed + failed + cancelled + timed_out + interrupted;
}

double ExecutionStats::success_rate() const {
  const auto judged = completed + failed + timed_out;
  return judged == 0 ? 1.0 : static_cast<double>(completed) / static_cast<double>(judged);
}

std::string_view to_string(HealthBand band) {
  switch (band) {
    case HealthBand::excellent:
      return "excellent";
    case HealthBand::good:
      return "good";
    case HealthBand::degraded:
      return "degraded";
    case HealthBand::critical:
      return "critical";
  }
  return "critical";
}

HealthSummary assess_health(const ExecutionStats& stats, std::uint32_t capacity) {
  using namespace std::chrono_literals;
  HealthSummary h;
  if (const double rate = stats.success_rate(); rate < 0.95) {
    h.score -= 25;
    h.penalties.push_back(fmt::format("success rate {:.1f} % is below 95 %", rate * 100.0));
  }
  if (const auto avg = stats.duration.average(); avg > 30s) {
    h.score -= 15;
    h.penalties.push_back(
        fmt::format("average run duration {:.1f} s is over 30 s", avg.count() / 1e6));
  }
  if (capacity > 0 && stats.active * 10 > capacity * 8) {
    h.score -= 10;
    h.penalties.push_back(
        fmt::format("{} active runs exceed 80 % of the capacity of {}", stats.active, capacity));
  }
  h.score = std::max(h.score, 0);
  h.band = h.score >= 90   ? HealthBand::excellent
           : h.score >= 75 ? HealthBand::good
           : h.score >= 50 ? HealthBand::degraded
                           : HealthBand::critical;
  return h;
}

}  // namespace agenthost::execution
