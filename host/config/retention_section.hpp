#pragma once

#include <chrono>
#include <cstdint>

#include "config/duration.hpp"
#include "config/schema.hpp"

namespace agenthost::config {

/// Section `retention`: how long finished runs and their events are kept. Off by
/// default (everything is kept).
struct RetentionSettings {
  Duration max_age{0};                   ///< 0: finished runs are not deleted by age
  std::uint64_t max_bytes_per_user = 0;  ///< 0: no per-user storage cap
  Duration interval{std::chrono::minutes(1)};
  std::uint32_t batch_runs = 100;
};

/// Keys of section `retention`.
const ObjectSchema<RetentionSettings>& retention_schema();

}  // namespace agenthost::config
