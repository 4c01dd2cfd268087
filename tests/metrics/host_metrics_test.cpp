#include <catch2/catch.hpp>

#include <chrono>
#include <fstream>
#include <sstream>

#include "exposition_parser.hpp"
#include "metrics/host_metrics.hpp"
#include "registry/agent_class_registry.hpp"

using namespace agenthost::metrics;
using agenthost::testing::Exposition;
using agenthost::testing::parse_exposition;
using namespace std::chrono_literals;

namespace {

const BuildInfo kBuild{"9.8.7", "1.2"};

Exposition scrape(const HostMetrics& m) { return parse_exposition(m.render()); }

double value(const Exposition& e, const char* name,
             const agenthost::testing::LabelMap& labels = {}) {
  const auto v = e.value(name, labels);
  INFO(name);
  REQUIRE(v.has_value());
  return *v;
}

// Every family the host exposes; a new family must be added here and to
// docs/operations.md.
const std::vector<std::string> kFamilies = {
    "agenthost_build_info",
    "agenthost_runs_started_total",
    "agenthost_runs_finished_total",
    "agenthost_run_duration_seconds",
    "agenthost_runs_active",
    "agenthost_runs_queued",
    "agenthost_run_queue_wait_seconds",
    "agenthost_events_emitted_total",
    "agenthost_events_dropped_total",
    "agenthost_connections_open",
    "agenthost_slow_client_disconnects_total",
    "agenthost_auth_failures_total",
    "agenthost_run_status_write_failures_total",
    "agenthost_runs_status_unrecorded",
    "agenthost_plugin_load_errors_total",
    "agenthost_database_pool_sessions",
    "agenthost_database_pool_sessions_in_use",
    "agenthost_database_pool_waiting",
    "agenthost_database_pool_waits_total",
    "agenthost_database_pool_wait_seconds_total",
    "agenthost_event_log_queued",
    "agenthost_event_log_commits_total",
    "agenthost_event_log_items_committed_total",
    "agenthost_event_log_storing_seconds_total",
    "agenthost_event_log_failed_batches_total",
    "agenthost_events_refused_total",
    "agenthost_event_log_paced_waits_total",
};

}  // namespace

TEST_CASE("the host exposes each of its families, typed and with help") {
  HostMetrics m({"echo", "triage"}, kBuild);
  CHECK(m.registry().family_names() == kFamilies);
  const auto e = scrape(m);
  CHECK(e.families.size() == kFamilies.size());
  for (const auto& name : kFamilies) {
    INFO(name);
    const auto* f = e.find(name);
    REQUIRE(f != nullptr);
    CHECK(f->help.value_or("").size() > 10);
    const bool histogram = name.ends_with("_seconds") && name.find("_run") != std::string::npos;
    const bool counter = name.ends_with("_total");
    CHECK(f->type == (histogram ? "histogram" : counter ? "counter" : "gauge"));
  }
}

TEST_CASE("build_info is 1 with the version and SDK ABI as labels") {
  HostMetrics m(std::vector<std::string>{}, kBuild);
  CHECK(value(scrape(m), "agenthost_build_info", {{"version", "9.8.7"}, {"sdk_abi", "1.2"}}) == 1);
}

TEST_CASE("every agent has its series from the start, and no one else does") {
  HostMetrics m({"echo", "triage"}, kBuild);
  const auto e = scrape(m);
  for (const auto* agent : {"echo", "triage", "_unregistered"}) {
    INFO(agent);
    CHECK(value(e, "agenthost_runs_started_total", {{"agent", agent}}) == 0);
    for (const auto status : kRunEndStatuses)
      CHECK(value(e, "agenthost_runs_finished_total",
                  {{"agent", agent}, {"status", std::string(status)}}) == 0);
    CHECK(value(e, "agenthost_run_duration_seconds_count", {{"agent", agent}}) == 0);
  }
  CHECK(e.find("agenthost_runs_started_total")->samples.size() == 3);
  CHECK(e.find("agenthost_runs_finished_total")->samples.size() == 3 * kRunEndStatuses.size());
}

TEST_CASE("run counters, durations and queue waits move as runs happen") {
  HostMetrics m({"echo", "triage"}, kBuild);
  m.record_run_started("echo", 2ms);
  m.record_run_started("echo", 0ms);
  m.record_run_started("triage", 20s);
  m.record_run_finished("echo", "completed", 30ms);
  m.record_run_finished("echo", "failed", 2s);
  m.record_run_finished("triage", "timed_out", 300s);
  m.record_run_finished("triage", "cancelled", std::nullopt);  // cancelled while queued
  m.record_run_finished("echo", "interrupted", std::nullopt);

  const auto e = scrape(m);
  CHECK(value(e, "agenthost_runs_started_total", {{"agent", "echo"}}) == 2);
  CHECK(value(e, "agenthost_runs_started_total", {{"agent", "triage"}}) == 1);
  const auto finished = [&](const char* agent, const char* status) {
    return value(e, "agenthost_runs_finished_total", {{"agent", agent}, {"status", status}});
  };
  CHECK(finished("echo", "completed") == 1);
  CHECK(finished("echo", "failed") == 1);
  CHECK(finished("echo", "interrupted") == 1);
  CHECK(finished("echo", "cancelled") == 0);
  CHECK(finished("triage", "timed_out") == 1);
  CHECK(finished("triage", "cancelled") == 1);
  CHECK(finished("triage", "completed") == 0);

  // Only runs that started have a duration.
  CHECK(value(e, "agenthost_run_duration_seconds_count", {{"agent", "echo"}}) == 2);
  CHECK(value(e, "agenthost_run_duration_seconds_sum", {{"agent", "echo"}}) == Approx(2.03));
  CHECK(value(e, "agenthost_run_duration_seconds_bucket", {{"agent", "echo"}, {"le", "0.05"}}) ==
        1);
  CHECK(value(e, "agenthost_run_duration_seconds_bucket", {{"agent", "triage"}, {"le", "300"}}) ==
        1);
  CHECK(value(e, "agenthost_run_queue_wait_seconds_count") == 3);
  CHECK(value(e, "agenthost_run_queue_wait_seconds_bucket", {{"le", "0.005"}}) == 2);
  CHECK(value(e, "agenthost_run_queue_wait_seconds_bucket", {{"le", "10"}}) == 2);
  CHECK(value(e, "agenthost_run_queue_wait_seconds_bucket", {{"le", "30"}}) == 3);
}

TEST_CASE("runs of an agent the registry never had are counted apart, not dropped") {
  HostMetrics m({"echo"}, kBuild);
  m.record_run_started("ghost", 1ms);
  m.record_run_finished("ghost", "failed", 1ms);
  const auto e = scrape(m);
  CHECK(value(e, "agenthost_runs_started_total", {{"agent", "_unregistered"}}) == 1);
  CHECK(value(e, "agenthost_runs_finished_total",
              {{"agent", "_unregistered"}, {"status", "failed"}}) == 1);
  CHECK_FALSE(e.value("agenthost_runs_started_total", {{"agent", "ghost"}}).has_value());
}

TEST_CASE("a status that is not terminal is a caller's bug and is refused") {
  HostMetrics m({"echo"}, kBuild);
  CHECK_THROWS_WITH(m.record_run_finished("echo", "running", 1ms),
                    Catch::Contains("'running' is not a terminal run status"));
  CHECK_THROWS_AS(m.record_run_finished("echo", "", std::nullopt), std::invalid_argument);
}

TEST_CASE("agent names must be distinct and not empty") {
  CHECK_THROWS_WITH(HostMetrics({"echo", "echo"}, kBuild), Catch::Contains("'echo'"));
  CHECK_THROWS_AS(HostMetrics({""}, kBuild), std::invalid_argument);
}

TEST_CASE("the host-wide counters and gauges move") {
  HostMetrics m({"echo"}, kBuild);
  m.set_run_counts(3, 7);
  m.set_totals({.events_emitted = 5,
                .events_dropped = 2,
                .slow_client_disconnects = 1,
                .auth_failures = 2,
                .run_status_write_failures = 3});
  m.set_unrecorded_run_statuses(1);
  m.set_connections_open(12);
  m.record_plugin_load_error();
  m.set_database_pool(DatabasePool::agent, {.size = 8,
                                            .in_use = 5,
                                            .waiting = 2,
                                            .waits = 40,
                                            .total_wait = std::chrono::milliseconds(2500)});
  m.set_event_log({.queued = 9,
                   .commits = 20,
                   .items_committed = 300,
                   .storing = std::chrono::milliseconds(1500),
                   .failed_batches = 4,
                   .events_refused = 6,
                   .paced_waits = 7});
  const auto e = scrape(m);
  CHECK(value(e, "agenthost_runs_active") == 3);
  CHECK(value(e, "agenthost_runs_queued") == 7);
  CHECK(value(e, "agenthost_events_emitted_total") == 5);
  CHECK(value(e, "agenthost_events_dropped_total") == 2);
  CHECK(value(e, "agenthost_connections_open") == 12);
  CHECK(value(e, "agenthost_slow_client_disconnects_total") == 1);
  CHECK(value(e, "agenthost_run_status_write_failures_total") == 3);
  CHECK(value(e, "agenthost_runs_status_unrecorded") == 1);
  CHECK(value(e, "agenthost_auth_failures_total") == 2);
  CHECK(value(e, "agenthost_plugin_load_errors_total") == 1);
  CHECK(value(e, "agenthost_database_pool_sessions", {{"pool", "agent"}}) == 8);
  CHECK(value(e, "agenthost_database_pool_sessions_in_use", {{"pool", "agent"}}) == 5);
  CHECK(value(e, "agenthost_database_pool_waiting", {{"pool", "agent"}}) == 2);
  CHECK(value(e, "agenthost_database_pool_waits_total", {{"pool", "agent"}}) == 40);
  CHECK(value(e, "agenthost_database_pool_wait_seconds_total", {{"pool", "agent"}}) == 2.5);
  CHECK(value(e, "agenthost_database_pool_sessions", {{"pool", "host"}}) == 0);
  CHECK(value(e, "agenthost_event_log_queued") == 9);
  CHECK(value(e, "agenthost_event_log_commits_total") == 20);
  CHECK(value(e, "agenthost_event_log_items_committed_total") == 300);
  CHECK(value(e, "agenthost_event_log_storing_seconds_total") == 1.5);
  CHECK(value(e, "agenthost_event_log_failed_batches_total") == 4);
  CHECK(value(e, "agenthost_events_refused_total") == 6);
  CHECK(value(e, "agenthost_event_log_paced_waits_total") == 7);
}

TEST_CASE("collect hooks refresh the sampled gauges on each scrape") {
  HostMetrics m({"echo"}, kBuild);
  std::uint32_t active = 1;
  m.add_collect_hook([&] {
    m.set_run_counts(active, 0);
    m.set_database_pool(DatabasePool::host, {.size = 4, .in_use = active});
  });
  CHECK(value(scrape(m), "agenthost_runs_active") == 1);
  active = 6;
  const auto e = scrape(m);
  CHECK(value(e, "agenthost_runs_active") == 6);
  CHECK(value(e, "agenthost_database_pool_sessions_in_use", {{"pool", "host"}}) == 6);
}

TEST_CASE("the agents come from the frozen registry") {
  agenthost::registry::AgentClassRegistry registry;
  for (const auto* name : {"beta", "alpha"})
    registry.add_agent({.library = nullptr,
                        .info = {.name = name, .description = "", .version = "1"},
                        .plugin_name = "p",
                        .plugin_file = "/p.so",
                        .factory = [](const agenthost::AgentServices&) {
                          return std::unique_ptr<agenthost::Agent>();
                        }});
  CHECK_THROWS_WITH(HostMetrics(registry, kBuild), Catch::Contains("frozen"));
  registry.freeze();
  HostMetrics m(registry, kBuild);
  const auto e = scrape(m);
  CHECK(value(e, "agenthost_runs_started_total", {{"agent", "alpha"}}) == 0);
  CHECK(value(e, "agenthost_runs_started_total", {{"agent", "beta"}}) == 0);
  CHECK(e.find("agenthost_runs_started_total")->samples.size() == 3);
}

TEST_CASE("docs/operations.md lists every family") {
  std::ifstream in(AGENTHOST_SOURCE_DIR "/docs/operations.md");
  REQUIRE(in);
  std::stringstream text;
  text << in.rdbuf();
  for (const auto& name : kFamilies) {
    INFO(name);
    CHECK(text.str().find("`" + name + "`") != std::string::npos);
  }
}
