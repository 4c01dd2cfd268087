#include "daemon/worker_metrics.hpp"

#include <spdlog/spdlog.h>

#include <set>
#include <string>
#include <vector>

namespace agenthost::daemon {
namespace {

// The signal label's values; "exit" and "other" are not signals and come last.
const std::vector<std::string> kSignals{"SIGSEGV", "SIGABRT", "SIGBUS", "SIGILL",
                                        "SIGFPE",  "SIGKILL", "exit",   "other"};
constexpr std::size_t kSignalNames = 6;

std::vector<std::string> plugins_of(const registry::AgentClassRegistry& registry) {
  std::set<std::string> names;
  for (const auto* agent : registry.agents()) names.insert(agent->plugin_name);
  return {names.begin(), names.end()};
}

std::vector<std::string> agents_of(const registry::AgentClassRegistry& registry) {
  std::vector<std::string> names;
  for (const auto* agent : registry.agents()) names.push_back(agent->info.name);
  return names;
}

}  // namespace

WorkerMetrics::WorkerMetrics(metrics::HostMetrics& metrics,
                             const registry::AgentClassRegistry& registry)
    : metrics_(metrics),
      crashes_(metrics.registry().add_counter(
          "agenthost_worker_crashes_total",
          "Worker processes that died running runs, charged to the plugin and agent whose run "
          "was on the CPU (every agent with a run there when the worker could not say), by "
          "signal.",
          {{"plugin", plugins_of(registry)},
           {"agent", agents_of(registry)},
           {"signal", kSignals}})),
      unresponsive_(metrics.registry().add_counter(
          "agenthost_runs_unresponsive_total",
          "Runs that did not stop within limits.cancel_grace; their worker was recycled.",
          {{"agent", agents_of(registry)}})),
      processes_(metrics.registry().add_gauge("agenthost_worker_processes",
                                              "Worker processes alive now.", {})),
      started_(metrics.registry().add_counter(
          "agenthost_worker_starts_total",
          "Worker processes started, the first ones and every replacement.", {})),
      quarantined_(metrics.registry().add_gauge(
          "agenthost_agents_quarantined",
          "Agents whose new runs are refused (agent_unavailable) after crashing their workers.",
          {})) {}

void WorkerMetrics::sample(const supervisor::WorkerPool& pool) {
  metrics_.add_collect_hook([this, &pool] {
    const auto s = pool.stats();
    processes_.at({}).set(static_cast<std::int64_t>(s.processes));
    started_.at({}).mirror(s.started);
    quarantined_.at({}).set(static_cast<std::int64_t>(s.quarantined));
  });
}

std::string_view WorkerMetrics::signal_label(std::string_view how) noexcept {
  for (std::size_t i = 0; i < kSignalNames; ++i)
    if (how.find(kSignals[i]) != std::string_view::npos) return kSignals[i];
  if (how.find("exited") != std::string_view::npos) return "exit";
  return "other";
}

void WorkerMetrics::worker_crashed(std::string_view plugin, std::string_view agent,
                                   std::string_view how) noexcept {
  try {
    crashes_.at({plugin, agent, signal_label(how)}).inc();
  } catch (const std::exception& e) {
    spdlog::error("metrics: worker crash of agent {} not counted: {}", agent, e.what());
  }
}

void WorkerMetrics::run_unresponsive(std::string_view agent) noexcept {
  try {
    unresponsive_.at({agent}).inc();
  } catch (const std::exception& e) {
    spdlog::error("metrics: unresponsive run of agent {} not counted: {}", agent, e.what());
  }
}

}  // namespace agenthost::daemon
