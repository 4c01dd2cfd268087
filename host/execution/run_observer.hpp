#pragma once
/// \file
/// RunObserver: how the engine tells monitoring (the daemon's /metrics) that a run
/// started or ended, with the agent's name, which ExecutionStateStore (keyed by
/// user) does not keep. Optional; the engine works the same without one.

#include <chrono>
#include <optional>
#include <string_view>

namespace agenthost::execution {

class RunObserver {
 public:
  virtual ~RunObserver() = default;
  /// A worker took a run of `agent` after it waited `queue_wait` since submission.
  virtual void run_started(std::string_view agent,
                           std::chrono::nanoseconds queue_wait) noexcept = 0;
  /// A run of `agent` ended with terminal `status` (database::run_status); `duration`
  /// is start to end, nullopt for a run that ended before it started.
  virtual void run_finished(std::string_view agent, std::string_view status,
                            std::optional<std::chrono::nanoseconds> duration) noexcept = 0;
};

}  // namespace agenthost::execution
