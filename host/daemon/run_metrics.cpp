#include "daemon/run_metrics.hpp"

#include <spdlog/spdlog.h>

#include <exception>

namespace agenthost::daemon {

void RunMetrics::run_started(std::string_view agent, std::chrono::nanoseconds queue_wait) noexcept {
  metrics_.record_run_started(agent, queue_wait);
}

void RunMetrics::run_finished(std::string_view agent, std::string_view status,
                              std::optional<std::chrono::nanoseconds> duration) noexcept {
  try {
    metrics_.record_run_finished(agent, status, duration);
  } catch (const std::exception& e) {
    // A status the metrics do not know is a bug here, never a reason to fail a run.
    spdlog::error("metrics: run of agent {} not counted: {}", agent, e.what());
  }
}

}  // namespace agenthost::daemon
