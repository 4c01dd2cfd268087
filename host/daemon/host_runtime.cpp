#include "daemon/host_runtime.hpp"

#include "daemon/model_metrics.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <exception>
#include <filesystem>
#include <sstream>
#include <stdexcept>
#include <string>

#include "agenthost/sdk_version.hpp"
#include "daemon/auth_setup.hpp"
#include "daemon/component_options.hpp"
#include "daemon/plugin_setup.hpp"
#include "daemon/run_recovery.hpp"
#include "daemon/run_resumption.hpp"

namespace agenthost::daemon {

namespace {

/// Sessions for the host's own records: the event log keeps one, run status
/// writes and reads share the rest briefly.
constexpr std::uint32_t kHostPoolSize = 4;

/// How long the first worker processes may take to load the plugins at startup.
constexpr std::chrono::seconds kWorkerStartTimeout{60};

// agenthost-worker next to this program unless workers.executable names one.
std::string worker_executable(const config::WorkersSettings& w) {
  if (!w.executable.empty()) return w.executable;
  std::error_code error;
  const auto self = std::filesystem::read_symlink("/proc/self/exe", error);
  return (error ? std::filesystem::path(".") : self.parent_path()) / "agenthost-worker";
}

supervisor::WorkerPoolOptions worker_pool_options(const config::HostConfig& c) {
  supervisor::WorkerPoolOptions o;
  o.launch.executable = worker_executable(c.workers);
  o.launch.config_file = c.source_file;
  o.launch.memory_limit_bytes = std::uint64_t{c.workers.memory_limit_mb} * 1024 * 1024;
  o.processes = c.workers.processes;
  o.cancel_grace = c.limits.cancel_grace;
  o.quarantine = {
      c.workers.quarantine.crashes,
      std::chrono::duration_cast<std::chrono::milliseconds>(c.workers.quarantine.within),
      std::chrono::duration_cast<std::chrono::milliseconds>(c.workers.quarantine.duration)};
  o.isolation = c.plugins.isolation;
  return o;
}

auth::AuthOptions checked_auth_options(const config::AuthSettings& a) {
  auto options = auth_options(a);
  if (options.jwt_hs256_secret.empty() && options.api_keys.empty())
    spdlog::warn(
        "auth: neither auth.jwt.hs256_secret nor auth.api_keys is set; every request will be "
        "refused with 401");
  return options;
}

server::ServerOptions server_options(const config::ServerSettings& s) {
  server::ServerOptions o;
  o.address = s.address;
  o.port = s.port;
  o.max_message_bytes = s.max_message_bytes;
  o.idle_timeout = s.idle_timeout;
  o.handshake_timeout = s.handshake_timeout;
  o.write_timeout = s.write_timeout;
  o.io_threads = s.io_threads;
  o.request_threads = s.request_threads;
  o.send_queue_frames = s.send_queue_frames;
  o.send_queue_bytes = s.send_queue_bytes;
  o.max_unauthenticated_connections = s.max_unauthenticated_connections;
  o.max_subscriptions_per_connection = s.max_subscriptions_per_connection;
  o.max_connections_per_user = s.max_connections_per_user;
  o.runs_per_second_per_user = s.runs_per_second_per_user;
  o.on_disconnect = s.on_disconnect == config::OnDisconnect::cancel_runs
                        ? server::OnDisconnect::cancel_runs
                        : server::OnDisconnect::continue_runs;
  return o;
}

database::RetentionPolicy retention_policy(const config::RetentionSettings& r) {
  return {r.max_age, r.max_bytes_per_user, r.batch_runs};
}

database::DatabaseSessionManager& migrated(database::DatabaseSessionManager& db) {
  database::apply_migrations(db);
  return db;
}

}  // namespace

namespace {

#ifndef AGENTHOST_VERSION
#define AGENTHOST_VERSION "unknown"
#endif

metrics::BuildInfo build_info() {
  return {AGENTHOST_VERSION,
          std::to_string(agenthost::kSdkAbiMajor) + "." + std::to_string(agenthost::kSdkAbiMinor)};
}

metrics::PoolFigures pool_figures(const database::DatabaseSessionManager& db) {
  const auto s = db.stats();
  return {s.size, s.in_use, s.waiting, s.waits, s.total_wait};
}

}  // namespace

HostRuntime::HostRuntime(const config::HostConfig& config)
    : config_(config),
      plugins_(load_and_freeze(config_.plugins, registry_)),
      metrics_(registry_, build_info()),
      run_metrics_(metrics_),
      host_database_(database_options(config_, config_.database.url, kHostPoolSize)),
      agent_database_(agent_database_options(config_)),
      run_store_(migrated(host_database_)),
      event_log_(host_database_),
      retention_(host_database_, retention_policy(config_.retention), config_.retention.interval),
      models_(open_model_endpoints(config_.models)),
      usage_store_(host_database_),
      usage_ledger_(usage_store_, config_.model_budgets),
      worker_metrics_(metrics_, registry_),
      workers_(worker_pool_options(config_),
               supervisor::DispatchServices{registry_, event_log_, router_,
                                            models::ModelServices{models_.get(), &usage_ledger_},
                                            config_.limits.max_result_bytes},
               &worker_metrics_),
      engine_(engine_options(config_), registry_, agent_database_, run_store_, event_log_, router_,
              &run_metrics_, models::ModelServices{models_.get(), &usage_ledger_}, &workers_),
      authenticator_(checked_auth_options(config_.auth)),
      server_(
          server_options(config_.server),
          server::ServerDeps{engine_, run_store_, router_, event_log_, registry_, authenticator_,
                             [this] { return metrics_.render(); }, &usage_ledger_}) {
  add_metrics_sources();
}

void HostRuntime::add_metrics_sources() {
  metrics_.record_plugin_load_error(plugins_.refused.size());
  if (models_) add_model_metrics(metrics_, *models_);
  worker_metrics_.sample(workers_);
  // Sampled at each scrape from the components that keep these figures.
  metrics_.add_collect_hook([this] {
    const auto runs = engine_.state().global_stats();
    metrics_.set_run_counts(runs.active, runs.queued);
    metrics_.set_connections_open(server_.connection_count());
    const auto server = server_.counters();
    metrics_.set_totals({.events_emitted = event_log_.appended(),
                         .events_dropped = server.events_dropped,
                         .slow_client_disconnects = server.slow_client_disconnects,
                         .auth_failures = server.auth_failures,
                         .run_status_write_failures = engine_.status_write_failures()});
    metrics_.set_unrecorded_run_statuses(engine_.unrecorded_statuses());
    metrics_.set_database_pool(metrics::DatabasePool::host, pool_figures(host_database_));
    metrics_.set_database_pool(metrics::DatabasePool::agent, pool_figures(agent_database_));
    const auto log = event_log_.stats();
    metrics_.set_event_log({.queued = log.queued,
                            .commits = log.commits,
                            .items_committed = log.items_committed,
                            .storing = log.storing,
                            .failed_batches = log.failed_batches,
                            .events_refused = log.events_refused,
                            .paced_waits = log.paced_waits});
  });
}

ReloadPlan HostRuntime::reload(const config::HostConfig& next) {
  auto plan = plan_reload(config_, next);
  // The only part that can refuse: first, so that a refusal changes nothing.
  authenticator_.reload(checked_auth_options(next.auth));
  const auto& l = next.limits;
  engine_.update_limits({l.max_concurrent_runs_per_user, l.max_queued_runs_per_user, l.run_timeout,
                         l.input_timeout, l.max_waiting_runs_per_user});
  server_.update_limits(next.server.runs_per_second_per_user, next.server.max_connections_per_user);
  usage_ledger_.set_budgets(next.model_budgets);
  workers_.lift_quarantines();
  config_ = with_live_settings(config_, next);
  return plan;
}

HostRuntime::~HostRuntime() {
  // A destructor must not throw (std::terminate); stop()'s caller sees the failure,
  // here it can only be logged.
  try {
    stop();
  } catch (const std::exception& e) {
    spdlog::error("shutdown: {}", e.what());
  }
}

std::uint16_t HostRuntime::start() {
  for (const auto& refusal : plugins_.refused)
    spdlog::error("{} (skipped: plugins.on_error is skip)", refusal.reason);
  std::istringstream lines(describe(plugins_, registry_) + describe_models(config_.models));
  for (std::string line; std::getline(lines, line);) spdlog::info("{}", line);
  for (const auto& missing : missing_model_endpoints(config_.models, registry_))
    spdlog::warn("{} (its runs will fail until then)", missing);
  std::vector<database::RunStore::UnfinishedRun> resumed;
  if (const auto n = recover_interrupted_runs(
          run_store_, event_log_, &run_metrics_,
          resumption_policy(registry_, config_.limits.max_run_resumes), &resumed);
      n > 0)
    spdlog::warn("{} run(s) left unfinished by the previous process marked interrupted", n);
  resume_runs(engine_, resumed);
  spdlog::info("database: host records in {}, agents' tables in {}", host_database_.masked_url(),
               agent_database_.masked_url());
  // Runs dispatched before their worker processes exist would wait for them; a
  // worker that cannot load the plugins stops the start here, with its reason.
  workers_.await_started(kWorkerStartTimeout);
  const auto port = server_.start();
  retention_.start();
  server_.set_ready(true);
  spdlog::info("agenthostd ready: {} agents, database {}, port {}", registry_.agents().size(),
               host_database_.backend(), port);
  return port;
}

void HostRuntime::stop() {
  if (stopped_) return;
  stopped_ = true;
  server_.set_ready(false);
  retention_.stop();
  engine_.shutdown(config_.server.drain_timeout);
  workers_.stop();
  // The server stops even when events could not be stored; then the failure is thrown.
  std::exception_ptr flush_failure;
  try {
    event_log_.flush();
  } catch (...) {
    flush_failure = std::current_exception();
  }
  server_.stop();
  if (flush_failure) std::rethrow_exception(flush_failure);
}

}  // namespace agenthost::daemon
