#pragma once

#include <chrono>
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
  std::uint32_t worker_threads = 16;  ///< global pool for agent code, 1 .. 1024
};

/// Keys of section `limits`.
const ObjectSchema<LimitsSettings>& limits_schema();

}  // namespace agenthost::config
