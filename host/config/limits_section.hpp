#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>

#include "config/duration.hpp"
#include "config/schema.hpp"

namespace agenthost::config {

/// Section `limits`: how much of the host one user may take.
struct LimitsSettings {
  std::uint32_t max_concurrent_runs_per_user = 5;   ///< 1 .. 1000
  std::uint32_t max_queued_runs_per_user = 100;     ///< 0 .. 100000
  Duration run_timeout{std::chrono::seconds(300)};  ///< 1s .. 24h
  std::uint32_t worker_threads = 16;                ///< global pool for agent code, 1 .. 1024
  std::size_t max_result_bytes = 1048576;           ///< 1 KiB .. 1 GiB
};

/// Keys of section `limits`.
const ObjectSchema<LimitsSettings>& limits_schema();

}  // namespace agenthost::config
