#pragma once
/// \file
/// WorkerMetrics: the worker processes in /metrics. The pool reports each crash
/// (plugin, agent, signal) and each unresponsive run as it happens; the processes
/// alive, started and the agents in quarantine are sampled at each scrape.

#include <string_view>

#include "metrics/host_metrics.hpp"
#include "registry/agent_class_registry.hpp"
#include "supervisor/worker_pool.hpp"

namespace agenthost::daemon {

class WorkerMetrics final : public supervisor::WorkerObserver {
 public:
  /// Adds the families; the label values are the registry's plugins and agents.
  WorkerMetrics(metrics::HostMetrics& metrics, const registry::AgentClassRegistry& registry);

  /// Samples `pool` at each scrape; it must outlive `metrics`' scrapes.
  void sample(const supervisor::WorkerPool& pool);

  void worker_crashed(std::string_view plugin, std::string_view agent,
                      std::string_view how) noexcept override;
  void worker_started() noexcept override {}
  void run_unresponsive(std::string_view agent) noexcept override;

  /// The `signal` label of an exit `how` (describe_exit): "SIGSEGV", ..., "exit".
  static std::string_view signal_label(std::string_view how) noexcept;

 private:
  metrics::HostMetrics& metrics_;
  metrics::MetricFamily<metrics::Counter>& crashes_;
  metrics::MetricFamily<metrics::Counter>& unresponsive_;
  metrics::MetricFamily<metrics::Gauge>& processes_;
  metrics::MetricFamily<metrics::Counter>& started_;
  metrics::MetricFamily<metrics::Gauge>& quarantined_;
};

}  // namespace agenthost::daemon
