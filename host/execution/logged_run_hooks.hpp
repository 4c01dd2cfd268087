#pragma once
/// \file
/// LoggedRunHooks: RunSequence's hooks (run_sequence.hpp) as the host runs them, in
/// the daemon's own process or in a worker process: each failure of plugin code or of
/// the commit is logged under the run's correlation id, and a result over
/// limits.max_result_bytes is refused.

#include <spdlog/spdlog.h>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "events/result_limit.hpp"
#include "events/sanitizer.hpp"
#include "execution/run_sequence.hpp"

namespace agenthost::execution {

// The host's logs of a run's failures, under the run's correlation id; the test
// harness runs the same sequence without them.
struct LoggedRunHooks : QuietRunHooks {
  const std::string& correlation_id;
  std::size_t max_result_bytes;

  void plugin_failed(const PluginFailure& failure) const {
    spdlog::warn("[{}] {}", correlation_id, events::sanitize_error_message(failure.message));
  }
  void commit_failed(std::string_view error) const {
    spdlog::error("[{}] commit failed: {}", correlation_id, error);
  }
  std::optional<std::string> result_refused(const boost::json::value& result) const {
    auto refusal = events::oversized_result(result, max_result_bytes);
    if (refusal) spdlog::warn("[{}] {}", correlation_id, *refusal);
    return refusal;
  }
};

}  // namespace agenthost::execution
