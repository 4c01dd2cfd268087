#pragma once
/// \file
/// RunMetrics: the engine's RunObserver that counts runs by agent, their queue waits
/// and durations in the host's /metrics.

#include "execution/run_observer.hpp"
#include "metrics/host_metrics.hpp"

namespace agenthost::daemon {

class RunMetrics final : public execution::RunObserver {
 public:
  explicit RunMetrics(metrics::HostMetrics& metrics) : metrics_(metrics) {}

  void run_started(std::string_view agent, std::chrono::nanoseconds queue_wait) noexcept override;
  void run_finished(std::string_view agent, std::string_view status,
                    std::optional<std::chrono::nanoseconds> duration) noexcept override;

 private:
  metrics::HostMetrics& metrics_;
};

}  // namespace agenthost::daemon
