#pragma once
// LoadStats: what one load worker counted, merged across workers at the end; and the
// latency percentiles read from it.

#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace agenthost::bench::load {

struct LoadStats {
  // Counted only inside the measured window (after the warm-up, before the end).
  std::uint64_t runs_completed = 0;
  std::uint64_t events = 0;                 ///< event frames (agent_started .. agent_completed)
  std::uint64_t frames = 0;                 ///< every frame received, run_accepted included
  std::uint64_t bytes = 0;                  ///< payload bytes of those frames
  std::vector<std::uint32_t> latencies_us;  ///< start_run -> terminal event, per completed run
  std::chrono::steady_clock::time_point last_terminal{};  ///< latest terminal event seen

  // Counted over the whole invocation.
  std::uint64_t runs_started = 0;
  std::uint64_t runs_failed = 0;      ///< agent_error or agent_death as the terminal event
  std::uint64_t runs_refused = 0;     ///< error frames answering start_run
  std::uint64_t runs_unfinished = 0;  ///< still in flight when the drain time ran out
  std::uint64_t connection_errors = 0;
  std::map<std::string, std::uint64_t> error_kinds;  ///< code or event type -> count
  std::vector<std::string> violations;               ///< protocol checks that failed
  std::vector<std::string> error_samples;            ///< first few error messages

  void add_error(const std::string& kind, const std::string& message);
  void merge(LoadStats&& other);
  std::uint64_t errors() const {
    return runs_failed + runs_refused + runs_unfinished + connection_errors;
  }
};

struct LatencySummary {
  std::uint64_t samples = 0;
  double mean_ms = 0, p50_ms = 0, p90_ms = 0, p99_ms = 0, p999_ms = 0, max_ms = 0;
};

/// Percentiles (nearest rank) of `latencies_us`, which it sorts.
LatencySummary summarize(std::vector<std::uint32_t>& latencies_us);

}  // namespace agenthost::bench::load
