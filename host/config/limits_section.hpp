#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>

#include "agenthost/execution_context.hpp"
#include "config/duration.hpp"
#include "config/schema.hpp"

namespace agenthost::config {

/// Section `limits`: how much of the host one user may take.
/// The per-user defaults are the SDK's (agenthost::ResourceLimits), which agents see.
struct LimitsSettings {
  std::uint32_t max_concurrent_runs_per_user = ResourceLimits{}.max_concurrent_runs;  ///< 1 .. 1000
  std::uint32_t max_queued_runs_per_user = ResourceLimits{}.max_queued_runs;  ///< 0 .. 100000
  Duration run_timeout = ResourceLimits{}.run_timeout;                        ///< 1s .. 24h
  /// How long a run told to stop (cancel, timeout, shutdown) may take to end before its
  /// worker process is recycled and the run ends agent_death (cause unresponsive); 0ms .. 1h.
  /// Also how long (at least 1 s) a worker may leave unread what is sent to it.
  std::chrono::milliseconds cancel_grace{10000};
  Duration input_timeout = ResourceLimits{}.input_timeout;                      ///< 1s .. 30d
  std::uint32_t max_waiting_runs_per_user = ResourceLimits{}.max_waiting_runs;  ///< 1 .. 100000
  std::uint32_t max_run_resumes = 3;       ///< restarts a working resumable run survives, 0 .. 100
  std::uint32_t worker_threads = 4;        ///< threads carrying runs as fibers, 1 .. 1024
  std::uint32_t max_active_runs = 10000;   ///< runs started and not ended, 1 .. 30000
  std::uint32_t blocking_threads = 16;     ///< threads for blocking calls, 1 .. 1024
  std::uint32_t fiber_stack_kib = 256;     ///< stack reserved per run, 64 .. 8192 KiB
  std::size_t max_result_bytes = 1048576;  ///< 1 KiB .. 1 GiB
};

/// Keys of section `limits`.
const ObjectSchema<LimitsSettings>& limits_schema();

}  // namespace agenthost::config
