#pragma once
/// \file
/// HostMetrics: every metric family agenthostd exposes on GET /metrics, defined in
/// this one place, and the record_*() / set_*() calls the rest of the host makes.
///
/// Labels take values from fixed sets only: the agent names of the frozen registry,
/// the terminal run statuses, the two database pools. Nothing is labelled by user,
/// thread or run (unbounded cardinality); a user's own figures come from
/// GET /v1/me/stats instead. docs/operations.md lists every family.
///
/// Threads: construct on the main thread once the registry is frozen; every other
/// member may be called from any thread at any time. record_*() calls are lock-free
/// (a map lookup for the agent, then relaxed atomic adds).

#include <array>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "metrics/metrics_registry.hpp"

namespace agenthost::registry {
class AgentClassRegistry;
}

namespace agenthost::metrics {

/// The agent label value under which runs of an agent that is not in the registry
/// are counted. Registered agent names start with [a-z0-9], so it cannot collide;
/// seeing it in /metrics means a caller passed a name the registry never had.
inline constexpr std::string_view kUnregisteredAgent = "_unregistered";

/// The terminal run statuses, the values of the `status` label (the strings of
/// database::run_status).
inline constexpr std::array<std::string_view, 5> kRunEndStatuses = {
    "completed", "failed", "cancelled", "timed_out", "interrupted"};

/// What agenthost_build_info reports.
struct BuildInfo {
  std::string version;  ///< agenthost's version, e.g. "0.1.0"
  std::string sdk_abi;  ///< the plugin SDK ABI, e.g. "1.0"
};

/// The database session pools: the host's own records, and the agents' runs.
enum class DatabasePool { host, agent };

/// One pool's figures at scrape time (database::DatabaseSessionManager::Stats).
struct PoolFigures {
  std::uint32_t size = 0;
  std::uint32_t in_use = 0;
  std::uint32_t waiting = 0;               ///< acquire() calls blocked now
  std::uint64_t waits = 0;                 ///< acquire() calls that had to wait, ever
  std::chrono::nanoseconds total_wait{0};  ///< time those calls waited, ever
};

/// The event log's writer at scrape time (database::EventLog::Stats).
struct EventLogFigures {
  std::uint64_t queued = 0;             ///< events and run record changes waiting for it now
  std::uint64_t commits = 0;            ///< transactions committed, ever
  std::uint64_t items_committed = 0;    ///< events and record changes in them, ever
  std::chrono::nanoseconds storing{0};  ///< time spent storing batches, ever
  std::uint64_t failed_batches = 0;     ///< batches that failed every attempt, ever
  std::uint64_t events_refused = 0;     ///< events the database refused, ever
  std::uint64_t paced_waits = 0;        ///< runs made to wait for their events' storage, ever
};

class HostMetrics {
 public:
  /// Creates every family, with one series per agent in `agent_names` (and one for
  /// kUnregisteredAgent). Throws std::invalid_argument for an agent name that is
  /// empty or repeated.
  HostMetrics(const std::vector<std::string>& agent_names, const BuildInfo& build);
  /// The same with the agents of `agents`, which must be frozen (std::logic_error
  /// otherwise): the set of agent label values never changes afterwards.
  HostMetrics(const registry::AgentClassRegistry& agents, const BuildInfo& build);
  HostMetrics(const HostMetrics&) = delete;
  HostMetrics& operator=(const HostMetrics&) = delete;

  /// A run of `agent` reached a worker after waiting `queue_wait` in its queue.
  void record_run_started(std::string_view agent, std::chrono::nanoseconds queue_wait) noexcept;
  /// A run of `agent` ended with terminal `status` (one of kRunEndStatuses);
  /// `duration` is start to end, nullopt for a run that never started (cancelled
  /// while queued; interrupted by a restart). Throws std::invalid_argument for any
  /// other status: that is a bug in the caller, not something to count.
  void record_run_finished(std::string_view agent, std::string_view status,
                           std::optional<std::chrono::nanoseconds> duration);
  /// Runs on a worker now, and accepted runs not started yet (the engine's counts).
  void set_run_counts(std::uint32_t active, std::uint32_t queued) noexcept;

  /// Counts their sources keep (the event log, the server), mirrored at scrape time.
  struct Totals {
    std::uint64_t events_emitted = 0;  ///< events appended to the event log
    /// Live deliveries dropped because a connection's buffer was full; the events
    /// stay stored and the client reads them from the log.
    std::uint64_t events_dropped = 0;
    std::uint64_t slow_client_disconnects = 0;  ///< clients dropped for not reading
    std::uint64_t auth_failures = 0;            ///< requests and upgrades refused authentication
    /// Runs whose final status the database refused even after retries.
    std::uint64_t run_status_write_failures = 0;
  };
  void set_totals(const Totals& totals) noexcept;

  /// Open client connections (HTTP and WebSocket).
  void set_connections_open(std::uint64_t n) noexcept;
  /// Ended runs whose final status is not written yet (ExecutionEngine).
  void set_unrecorded_run_statuses(std::uint64_t n) noexcept;
  /// A plugin failed to load (and was skipped: plugins.on_error is skip).
  void record_plugin_load_error(std::uint64_t n = 1) noexcept;
  void set_database_pool(DatabasePool pool, const PoolFigures& figures) noexcept;
  void set_event_log(const EventLogFigures& figures) noexcept;

  /// Runs `hook` at the start of every render(), to call the set_*() members from
  /// their sources. See MetricsRegistry::add_collect_hook.
  void add_collect_hook(std::function<void()> hook);
  /// The scrape, in text format 0.0.4 (serve with kTextContentType).
  std::string render() const;
  /// For families a component wants to add beside the host's own.
  MetricsRegistry& registry() noexcept { return registry_; }

 private:
  struct AgentSeries {
    Counter* started = nullptr;
    std::array<Counter*, kRunEndStatuses.size()> finished{};
    Histogram* duration = nullptr;
  };
  struct PoolSeries {
    Gauge* size = nullptr;
    Gauge* in_use = nullptr;
    Gauge* waiting = nullptr;
    Counter* waits = nullptr;
    DurationCounter* wait_seconds = nullptr;
  };

  const AgentSeries& series_of(std::string_view agent) const noexcept;

  MetricsRegistry registry_;
  // Read-only after construction: lookups need no lock.
  std::map<std::string, AgentSeries, std::less<>> agents_;
  Gauge* runs_active_;
  Gauge* runs_queued_;
  Histogram* queue_wait_;
  Counter* events_emitted_;
  Counter* events_dropped_;
  Gauge* connections_open_;
  Counter* slow_client_disconnects_;
  Counter* auth_failures_;
  Counter* run_status_write_failures_;
  Gauge* runs_status_unrecorded_;
  Counter* plugin_load_errors_;
  std::array<PoolSeries, 2> pools_;
  struct EventLogSeries {
    Gauge* queued = nullptr;
    Counter* commits = nullptr;
    Counter* items_committed = nullptr;
    DurationCounter* storing = nullptr;
    Counter* failed_batches = nullptr;
    Counter* events_refused = nullptr;
    Counter* paced_waits = nullptr;
  } event_log_;
};

}  // namespace agenthost::metrics
