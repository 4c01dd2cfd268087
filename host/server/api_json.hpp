#pragma once
/// \file
/// JSON bodies of the HTTP API's answers. Pure.

#include <boost/json/object.hpp>

#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "database/run_record.hpp"
#include "execution/engine_types.hpp"
#include "execution/execution_stats.hpp"
#include "registry/agent_class_registry.hpp"

namespace agenthost::server {

/// {"run_id","thread_id","agent","status","input","created_at","started_at"?,
///  "finished_at"?,"result"?,"error"?}, times as RFC 3339 UTC with milliseconds.
boost::json::object run_json(const database::RunRecord& run);

/// {"name","plugin","version","description"}
boost::json::object agent_json(const registry::AgentClass& agent);

/// GET /v1/me/stats: {"user_id", "runs": the stored runs by status with "total"
/// (all time), "live": what the engine counts since the host started (active,
/// queued, peak_active, success_rate, queue_wait_ms and duration_ms as
/// {count,min,avg,max}, health {score,band,penalties}; zeros for a user with no
/// recent run), "limits": the per-user limits in force}.
boost::json::object user_stats_json(const std::string& user_id,
                                    const std::map<std::string, std::uint64_t>& runs_by_status,
                                    const std::optional<execution::ExecutionStats>& live,
                                    const std::optional<execution::HealthSummary>& health,
                                    const execution::RunLimits& limits);

}  // namespace agenthost::server
