#include "metrics/host_metrics.hpp"

#include <algorithm>
#include <stdexcept>

#include "registry/agent_class_registry.hpp"

namespace agenthost::metrics {

namespace {

// Runs last from milliseconds (echo) to limits.run_timeout (default 5 min, at most
// 24 h; longer ones land in +Inf).
const std::vector<double> kRunDurationBounds = {0.01, 0.05, 0.1, 0.25, 0.5, 1,   2.5,
                                                5,    10,   30,  60,   120, 300, 900};
// A queue wait is ~0 while a user is under limits.max_concurrent_runs_per_user and
// as long as the runs before it beyond that.
const std::vector<double> kQueueWaitBounds = {0.001, 0.005, 0.01, 0.05, 0.1, 0.5,
                                              1,     5,     10,   30,   60,  300};

std::vector<std::string> agent_label_values(const std::vector<std::string>& agent_names) {
  std::vector<std::string> values;
  for (const auto& name : agent_names) {
    if (name.empty()) throw std::invalid_argument("HostMetrics: an agent name is empty");
    if (std::find(values.begin(), values.end(), name) != values.end())
      throw std::invalid_argument("HostMetrics: agent name '" + name + "' is listed twice");
    values.push_back(name);
  }
  values.emplace_back(kUnregisteredAgent);
  return values;
}

std::vector<std::string> names_of(const registry::AgentClassRegistry& agents) {
  if (!agents.frozen())
    throw std::logic_error("HostMetrics needs the frozen agent registry (call freeze() first)");
  std::vector<std::string> names;
  for (const auto* agent : agents.agents()) names.push_back(agent->info.name);
  return names;
}

std::size_t pool_index(DatabasePool pool) { return pool == DatabasePool::host ? 0 : 1; }

}  // namespace

HostMetrics::HostMetrics(const registry::AgentClassRegistry& agents, const BuildInfo& build)
    : HostMetrics(names_of(agents), build) {}

HostMetrics::HostMetrics(const std::vector<std::string>& agent_names, const BuildInfo& build) {
  auto& r = registry_;
  const auto agents = agent_label_values(agent_names);
  const std::vector<std::string> statuses(kRunEndStatuses.begin(), kRunEndStatuses.end());

  r.add_gauge("agenthost_build_info",
              "Always 1; the labels say which agenthost and plugin SDK ABI are running.",
              {{"version", {build.version}}, {"sdk_abi", {build.sdk_abi}}})
      .at({build.version, build.sdk_abi})
      .set(1);

  auto& started = r.add_counter("agenthost_runs_started_total",
                                "Runs that reached a worker, by agent.", {{"agent", agents}});
  auto& finished = r.add_counter(
      "agenthost_runs_finished_total",
      "Runs that ended, by agent and terminal status (completed, failed, cancelled, timed_out, "
      "interrupted); includes runs cancelled or interrupted before they started.",
      {{"agent", agents}, {"status", statuses}});
  auto& duration = r.add_histogram("agenthost_run_duration_seconds",
                                   "Time from a run's start on a worker to its end, by agent.",
                                   kRunDurationBounds, {{"agent", agents}});
  for (const auto& agent : agents) {
    AgentSeries s;
    s.started = &started.at({agent});
    for (std::size_t i = 0; i < kRunEndStatuses.size(); ++i)
      s.finished[i] = &finished.at({agent, kRunEndStatuses[i]});
    s.duration = &duration.at({agent});
    agents_.emplace(agent, s);
  }
  runs_active_ = &r.add_gauge("agenthost_runs_active", "Runs executing on a worker now.").at({});
  runs_queued_ = &r.add_gauge("agenthost_runs_queued",
                              "Runs accepted and waiting for their user's turn or a worker.")
                      .at({});
  queue_wait_ =
      &r.add_histogram("agenthost_run_queue_wait_seconds",
                       "Time from a run's acceptance to its start on a worker.", kQueueWaitBounds)
           .at({});

  events_emitted_ =
      &r.add_counter("agenthost_events_emitted_total", "Events emitted by runs (all stored).")
           .at({});
  events_dropped_ = &r.add_counter("agenthost_events_dropped_total",
                                   "Live event deliveries dropped because a connection's buffer "
                                   "was full; the events stay stored and are read on replay.")
                         .at({});
  connections_open_ =
      &r.add_gauge("agenthost_connections_open", "Open client connections (HTTP and WebSocket).")
           .at({});
  slow_client_disconnects_ =
      &r.add_counter("agenthost_slow_client_disconnects_total",
                     "Client connections closed because the client did not read fast enough.")
           .at({});
  auth_failures_ = &r.add_counter("agenthost_auth_failures_total",
                                  "Requests and WebSocket upgrades refused authentication.")
                        .at({});
  run_status_write_failures_ =
      &r.add_counter("agenthost_run_status_write_failures_total",
                     "Runs whose final status the database refused even after retries.")
           .at({});
  runs_status_unrecorded_ =
      &r.add_gauge("agenthost_runs_status_unrecorded",
                   "Ended runs whose final status is not written yet (the host is degraded).")
           .at({});
  plugin_load_errors_ =
      &r.add_counter("agenthost_plugin_load_errors_total",
                     "Plugins that failed to load and were skipped (plugins.on_error: skip).")
           .at({});

  const std::vector<Label> pool_label = {{"pool", {"host", "agent"}}};
  auto& size =
      r.add_gauge("agenthost_database_pool_sessions",
                  "Database sessions in the pool, by pool (host records, agent runs).", pool_label);
  auto& in_use = r.add_gauge("agenthost_database_pool_sessions_in_use",
                             "Database sessions leased now, by pool.", pool_label);
  auto& waiting =
      r.add_gauge("agenthost_database_pool_waiting",
                  "Callers blocked waiting for a free database session now, by pool.", pool_label);
  auto& waits = r.add_counter("agenthost_database_pool_waits_total",
                              "Session requests that found no free session and had to wait, by "
                              "pool.",
                              pool_label);
  auto& wait_seconds = r.add_duration_counter(
      "agenthost_database_pool_wait_seconds_total",
      "Time session requests spent waiting for a free session, by pool.", pool_label);
  for (const auto pool : {DatabasePool::host, DatabasePool::agent}) {
    const std::string_view name = pool == DatabasePool::host ? "host" : "agent";
    pools_[pool_index(pool)] = {&size.at({name}), &in_use.at({name}), &waiting.at({name}),
                                &waits.at({name}), &wait_seconds.at({name})};
  }

  // The one writer every event and run status change goes through: whether it keeps
  // up, how it batches, and how long the database takes.
  event_log_.queued = &r.add_gauge("agenthost_event_log_queued",
                                   "Events and run record changes waiting for the event log's "
                                   "writer now; growing means the database does not keep up.")
                           .at({});
  event_log_.commits =
      &r.add_counter("agenthost_event_log_commits_total",
                     "Transactions the event log's writer committed, each a batch of events and "
                     "run record changes of many runs.")
           .at({});
  event_log_.items_committed =
      &r.add_counter("agenthost_event_log_items_committed_total",
                     "Events and run record changes in those transactions; divided by the "
                     "commits, the mean batch.")
           .at({});
  event_log_.storing =
      &r.add_duration_counter("agenthost_event_log_storing_seconds_total",
                              "Time the event log's writer spent storing batches, retries "
                              "included; divided by the commits, the mean time per batch.")
           .at({});
  event_log_.failed_batches =
      &r.add_counter("agenthost_event_log_failed_batches_total",
                     "Batches the database failed on every attempt; they stay queued and are "
                     "retried (the log says why).")
           .at({});
  event_log_.events_refused =
      &r.add_counter("agenthost_events_refused_total",
                     "Events the database refused to store; each is dropped, never delivered, "
                     "and reported to its run.")
           .at({});
  event_log_.paced_waits =
      &r.add_counter("agenthost_event_log_paced_waits_total",
                     "Times a run was made to wait because too many of its events were not "
                     "stored yet: it emits faster than the database stores.")
           .at({});
}

const HostMetrics::AgentSeries& HostMetrics::series_of(std::string_view agent) const noexcept {
  const auto it = agents_.find(agent);
  return it != agents_.end() ? it->second : agents_.find(kUnregisteredAgent)->second;
}

void HostMetrics::record_run_started(std::string_view agent,
                                     std::chrono::nanoseconds queue_wait) noexcept {
  series_of(agent).started->inc();
  queue_wait_->observe(queue_wait);
}

void HostMetrics::record_run_finished(std::string_view agent, std::string_view status,
                                      std::optional<std::chrono::nanoseconds> duration) {
  const auto it = std::find(kRunEndStatuses.begin(), kRunEndStatuses.end(), status);
  if (it == kRunEndStatuses.end())
    throw std::invalid_argument("HostMetrics::record_run_finished: '" + std::string(status) +
                                "' is not a terminal run status");
  const auto& s = series_of(agent);
  s.finished[static_cast<std::size_t>(it - kRunEndStatuses.begin())]->inc();
  if (duration) s.duration->observe(*duration);
}

void HostMetrics::set_run_counts(std::uint32_t active, std::uint32_t queued) noexcept {
  runs_active_->set(active);
  runs_queued_->set(queued);
}

void HostMetrics::set_totals(const Totals& totals) noexcept {
  events_emitted_->mirror(totals.events_emitted);
  events_dropped_->mirror(totals.events_dropped);
  slow_client_disconnects_->mirror(totals.slow_client_disconnects);
  auth_failures_->mirror(totals.auth_failures);
  run_status_write_failures_->mirror(totals.run_status_write_failures);
}

void HostMetrics::set_connections_open(std::uint64_t n) noexcept {
  connections_open_->set(static_cast<std::int64_t>(n));
}

void HostMetrics::set_unrecorded_run_statuses(std::uint64_t n) noexcept {
  runs_status_unrecorded_->set(static_cast<std::int64_t>(n));
}

void HostMetrics::record_plugin_load_error(std::uint64_t n) noexcept {
  plugin_load_errors_->inc(n);
}

void HostMetrics::set_database_pool(DatabasePool pool, const PoolFigures& figures) noexcept {
  const auto& s = pools_[pool_index(pool)];
  s.size->set(figures.size);
  s.in_use->set(figures.in_use);
  s.waiting->set(figures.waiting);
  s.waits->mirror(figures.waits);
  s.wait_seconds->mirror(figures.total_wait);
}

void HostMetrics::set_event_log(const EventLogFigures& figures) noexcept {
  event_log_.queued->set(static_cast<std::int64_t>(figures.queued));
  event_log_.commits->mirror(figures.commits);
  event_log_.items_committed->mirror(figures.items_committed);
  event_log_.storing->mirror(figures.storing);
  event_log_.failed_batches->mirror(figures.failed_batches);
  event_log_.events_refused->mirror(figures.events_refused);
  event_log_.paced_waits->mirror(figures.paced_waits);
}

void HostMetrics::add_collect_hook(std::function<void()> hook) {
  registry_.add_collect_hook(std::move(hook));
}

std::string HostMetrics::render() const { return registry_.render(); }

}  // namespace agenthost::metrics
