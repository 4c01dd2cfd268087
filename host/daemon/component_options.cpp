#include "daemon/component_options.hpp"

#include <algorithm>

namespace agenthost::daemon {

database::DatabaseOptions database_options(const config::HostConfig& c, const std::string& url,
                                           std::uint32_t pool_size) {
  database::DatabaseOptions o;
  o.url = url;
  o.pool_size = pool_size;
  o.busy_timeout = c.database.busy_timeout;
  return o;
}

database::DatabaseOptions agent_database_options(const config::HostConfig& c) {
  auto o = database_options(c, c.database.agent_url, c.database.pool_size);
  o.max_sessions_per_user = std::min(c.database.max_sessions_per_user, c.database.pool_size);
  return o;
}

execution::EngineOptions engine_options(const config::HostConfig& c) {
  execution::EngineOptions o;
  o.worker_threads = c.limits.worker_threads;
  o.max_active_runs = c.limits.max_active_runs;
  o.blocking_threads = c.limits.blocking_threads;
  o.fiber_stack_size = std::size_t{c.limits.fiber_stack_kib} * 1024;
  o.max_concurrent_runs_per_user = c.limits.max_concurrent_runs_per_user;
  o.max_queued_runs_per_user = c.limits.max_queued_runs_per_user;
  o.run_timeout = c.limits.run_timeout;
  o.input_timeout = c.limits.input_timeout;
  o.max_waiting_runs_per_user = c.limits.max_waiting_runs_per_user;
  o.max_result_bytes = c.limits.max_result_bytes;
  return o;
}

logging::LogOptions log_options(const config::LoggingSettings& s) {
  return {s.level,
          s.format == config::LogFormat::json ? logging::Format::json : logging::Format::text};
}

}  // namespace agenthost::daemon
