#pragma once
/// \file
/// HostRuntime: every long-lived component of a running host, built in dependency
/// order from the configuration and torn down in reverse. The one place that
/// turns configuration sections into each component's typed options.

#include <chrono>
#include <cstdint>

#include "auth/authenticator.hpp"
#include "config/host_config.hpp"
#include "daemon/config_reload.hpp"
#include "daemon/model_setup.hpp"
#include "daemon/run_metrics.hpp"
#include "daemon/worker_metrics.hpp"
#include "database/database_session_manager.hpp"
#include "database/event_log.hpp"
#include "database/migrations.hpp"
#include "database/retention.hpp"
#include "database/run_store.hpp"
#include "database/usage_store.hpp"
#include "events/event_router.hpp"
#include "execution/execution_engine.hpp"
#include "metrics/host_metrics.hpp"
#include "models/usage_ledger.hpp"
#include "plugin_loader/plugin_loader.hpp"
#include "registry/agent_class_registry.hpp"
#include "server/http_server.hpp"
#include "supervisor/worker_pool.hpp"

namespace agenthost::daemon {

class HostRuntime {
 public:
  /// Loads the plugins and freezes the registry, opens the database pool and
  /// applies migrations, and creates the execution engine. Throws (with a message
  /// naming the failing part) when any of them fails; nothing is left running.
  explicit HostRuntime(const config::HostConfig& config);
  ~HostRuntime();
  HostRuntime(const HostRuntime&) = delete;
  HostRuntime& operator=(const HostRuntime&) = delete;

  /// Recovers runs a killed predecessor left unfinished, starts serving and logs
  /// what was loaded. Returns the bound port (the chosen one for port 0).
  std::uint16_t start();
  /// Drains: /readyz turns 503 and new runs are refused, running runs get
  /// server.drain_timeout to finish, the rest end with agent_death (shutdown); every
  /// event is stored, then clients get close 1001. Idempotent. Throws
  /// database::DatabaseError (after stopping everything) when events could not be
  /// stored; the destructor, which stops too, logs that instead.
  void stop();

  /// Applies what `next` changes of the live settings (see config_reload.hpp) and
  /// returns the plan: what was applied and what needs a restart (kept as running).
  /// Throws std::invalid_argument when the new auth settings are refused, before
  /// anything is changed. Logging is the caller's (it configured it at start).
  ReloadPlan reload(const config::HostConfig& next);

  /// The server's event loop ran a no-op within `timeout` (the watchdog's test).
  bool responsive(std::chrono::milliseconds timeout) { return server_.responsive(timeout); }

  /// The engine, for the run counts of systemd's STATUS= line.
  const execution::ExecutionEngine& engine() const noexcept { return engine_; }

 private:
  config::HostConfig config_;
  // Declaration order is construction order; destruction runs in reverse, so the
  // engine (which holds AgentClass pointers and pool leases) goes first and the
  // registry (which keeps the plugin libraries loaded) goes last.
  registry::AgentClassRegistry registry_;
  plugin_loader::LoadReport plugins_;
  metrics::HostMetrics metrics_;  // needs the frozen registry: the agent label values
  RunMetrics run_metrics_;
  // Two pools: the host's own records (run status, events) never wait behind agents,
  // each of which holds an agent session for its whole run. On SQLite they are two
  // files (database.agent_url), so an agent's open write transaction cannot hold up
  // event storage either.
  database::DatabaseSessionManager host_database_;
  database::DatabaseSessionManager agent_database_;
  database::RunStore run_store_;
  events::EventRouter router_;  // before the event log, which delivers through it
  database::EventLog event_log_;
  database::RetentionTask retention_;               // on the host's pool, like the event log
  std::unique_ptr<models::ModelEndpoints> models_;  // null: no endpoint configured
  database::UsageStore usage_store_;                // on the host's pool
  models::UsageLedger usage_ledger_;
  // Runs agents of plugins not in_process in worker processes; stopped after the
  // engine has ended every run (stop()), destroyed after the engine.
  WorkerMetrics worker_metrics_;
  supervisor::WorkerPool workers_;
  execution::ExecutionEngine engine_;
  auth::Authenticator authenticator_;
  server::HttpServer server_;
  bool stopped_ = false;

  void add_metrics_sources();
};

}  // namespace agenthost::daemon
