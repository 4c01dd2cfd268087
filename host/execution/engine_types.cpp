#include "execution/engine_types.hpp"

namespace agenthost::execution {

std::string_view to_string(MultitaskStrategy strategy) noexcept {
  switch (strategy) {
    case MultitaskStrategy::reject:
      return "reject";
    case MultitaskStrategy::enqueue:
      return "enqueue";
    case MultitaskStrategy::interrupt:
      return "interrupt";
  }
  return "enqueue";
}

std::optional<MultitaskStrategy> parse_multitask_strategy(std::string_view name) noexcept {
  if (name == "reject") return MultitaskStrategy::reject;
  if (name == "enqueue") return MultitaskStrategy::enqueue;
  if (name == "interrupt") return MultitaskStrategy::interrupt;
  return std::nullopt;
}

void check_options(const EngineOptions& options) {
  auto positive = [](bool ok, const char* name) {
    if (!ok)
      throw std::invalid_argument(std::string("EngineOptions.") + name + " must be greater than 0");
  };
  positive(options.worker_threads > 0, "worker_threads");
  positive(options.max_active_runs > 0, "max_active_runs");
  positive(options.blocking_threads > 0, "blocking_threads");
  if (options.fiber_stack_size < 64 * 1024)
    throw std::invalid_argument("EngineOptions.fiber_stack_size must be at least 64 KiB");
  positive(options.max_concurrent_runs_per_user > 0, "max_concurrent_runs_per_user");
  positive(options.run_timeout.count() > 0, "run_timeout");
  positive(options.input_timeout.count() > 0, "input_timeout");
  positive(options.max_waiting_runs_per_user > 0, "max_waiting_runs_per_user");
  positive(options.idle_user_stats_ttl.count() > 0, "idle_user_stats_ttl");
  positive(options.record_write_timeout.count() > 0, "record_write_timeout");
}

void check_limits(const RunLimits& limits) {
  if (limits.max_concurrent_runs_per_user == 0)
    throw std::invalid_argument("RunLimits.max_concurrent_runs_per_user must be greater than 0");
  if (limits.run_timeout.count() <= 0)
    throw std::invalid_argument("RunLimits.run_timeout must be greater than 0");
  if (limits.input_timeout.count() <= 0)
    throw std::invalid_argument("RunLimits.input_timeout must be greater than 0");
  if (limits.max_waiting_runs_per_user == 0)
    throw std::invalid_argument("RunLimits.max_waiting_runs_per_user must be greater than 0");
}

}  // namespace agenthost::execution
