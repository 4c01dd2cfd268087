#include "daemon/host_runtime.hpp"

#include <spdlog/spdlog.h>

#include <sstream>
#include <string>

#include "daemon/plugin_setup.hpp"
#include "daemon/run_recovery.hpp"

namespace agenthost::daemon {

namespace {

/// Sessions for the host's own records: the event log keeps one, run status
/// writes and reads share the rest briefly.
constexpr std::uint32_t kHostPoolSize = 4;

database::DatabaseOptions database_options(const config::HostConfig& c, std::uint32_t pool_size) {
  database::DatabaseOptions o;
  o.url = c.database.url;
  o.pool_size = pool_size;
  o.busy_timeout = c.database.busy_timeout;
  return o;
}

execution::EngineOptions engine_options(const config::HostConfig& c) {
  execution::EngineOptions o;
  o.worker_threads = c.limits.worker_threads;
  o.max_concurrent_runs_per_user = c.limits.max_concurrent_runs_per_user;
  o.max_queued_runs_per_user = c.limits.max_queued_runs_per_user;
  o.run_timeout = c.limits.run_timeout;
  return o;
}

database::DatabaseSessionManager& migrated(database::DatabaseSessionManager& db) {
  database::apply_migrations(db);
  return db;
}

}  // namespace

HostRuntime::HostRuntime(const config::HostConfig& config)
    : config_(config),
      plugins_(load_and_freeze(config_.plugins, registry_)),
      host_database_(database_options(config_, kHostPoolSize)),
      agent_database_(database_options(config_, config_.database.pool_size)),
      run_store_(migrated(host_database_)),
      event_log_(host_database_),
      engine_(engine_options(config_), registry_, agent_database_, run_store_, event_log_,
              router_) {}

HostRuntime::~HostRuntime() { stop(); }

void HostRuntime::start() {
  for (const auto& refusal : plugins_.refused)
    spdlog::error("{} (skipped: plugins.on_error is skip)", refusal.reason);
  std::istringstream lines(describe(plugins_, registry_));
  for (std::string line; std::getline(lines, line);) spdlog::info("{}", line);
  if (const auto n = recover_interrupted_runs(run_store_, event_log_); n > 0)
    spdlog::warn("{} run(s) left unfinished by the previous process marked interrupted", n);
  spdlog::info("agenthostd ready: {} agents, database {}", registry_.agents().size(),
               host_database_.backend());
}

void HostRuntime::stop() {
  if (stopped_) return;
  stopped_ = true;
  engine_.shutdown(std::chrono::seconds(10));
  event_log_.flush();
}

}  // namespace agenthost::daemon
