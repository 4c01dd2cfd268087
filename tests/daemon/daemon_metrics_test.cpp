// GET /metrics and GET /v1/me/stats on the real agenthostd: the scrape parses as
// Prometheus text (with the tests' strict parser, not substrings) and its counters
// move by exactly what the runs did.
#include <catch2/catch.hpp>

#include <csignal>

#include "daemon_harness.hpp"
#include "exposition_parser.hpp"

using namespace agenthost::daemon::test;
using agenthost::testing::Exposition;
using agenthost::testing::LabelMap;
using agenthost::testing::parse_exposition;

namespace {

Exposition scrape(std::uint16_t port) {
  const auto r = http_get(port, "/metrics", std::nullopt);  // no credentials
  INFO(r.body);
  REQUIRE(r.status == 200);
  CHECK(r.header("content-type") == "text/plain; version=0.0.4; charset=utf-8");
  return parse_exposition(r.body);
}

double value(const Exposition& e, const char* name, const LabelMap& labels = {}) {
  const auto v = e.value(name, labels);
  INFO(name);
  REQUIRE(v.has_value());
  return *v;
}

std::string wait_terminal(std::uint16_t port, const std::string& run_id) {
  std::string status;
  const bool done = wait_until(
      [&] {
        status = status_of(port, kAliceKey, run_id);
        return status != "queued" && status != "running";
      },
      20s);
  REQUIRE(done);
  return status;
}

}  // namespace

TEST_CASE("GET /metrics parses as Prometheus text and its counters follow the runs",
          "[daemon][metrics]") {
  TempDir dir;
  ConfigText config;
  config.server_extra = "  runs_per_second_per_user: 0\n";
  const auto config_file = write_config(dir, config);
  Daemon host(config_file);

  const auto before = scrape(host.port);
  const auto* build = before.find("agenthost_build_info");
  REQUIRE(build);
  REQUIRE(build->samples.size() == 1);
  CHECK(build->samples[0].value == 1);
  CHECK_FALSE(build->samples[0].labels.at("version").empty());
  CHECK(value(before, "agenthost_database_pool_sessions", {{"pool", "agent"}}) == 8);
  CHECK(value(before, "agenthost_plugin_load_errors_total") == 0);

  const auto chatty = start_run(host.port, kAliceKey, "chatty", {{"count", 3}});
  const auto failing = start_run(host.port, kAliceKey, "failing", json::object{});
  CHECK(wait_terminal(host.port, chatty) == "completed");
  CHECK(wait_terminal(host.port, failing) == "failed");
  CHECK(http_get(host.port, "/v1/agents", std::string("not-a-valid-key-at-all")).status == 401);

  const auto after = scrape(host.port);
  auto delta = [&](const char* name, const LabelMap& labels = {}) {
    return value(after, name, labels) - value(before, name, labels);
  };
  CHECK(delta("agenthost_runs_started_total", {{"agent", "chatty"}}) == 1);
  CHECK(delta("agenthost_runs_started_total", {{"agent", "failing"}}) == 1);
  CHECK(delta("agenthost_runs_finished_total", {{"agent", "chatty"}, {"status", "completed"}}) ==
        1);
  CHECK(delta("agenthost_runs_finished_total", {{"agent", "failing"}, {"status", "failed"}}) == 1);
  CHECK(delta("agenthost_runs_finished_total", {{"agent", "chatty"}, {"status", "failed"}}) == 0);
  CHECK(delta("agenthost_run_duration_seconds_count", {{"agent", "chatty"}}) == 1);
  CHECK(delta("agenthost_run_queue_wait_seconds_count") == 2);
  // chatty: agent_started, 3 x agent_thinking, agent_completed; failing: agent_started,
  // agent_error.
  CHECK(delta("agenthost_events_emitted_total") == 7);
  // All stored by the event log's writer, with the runs' record changes, in batches.
  CHECK(delta("agenthost_event_log_items_committed_total") >= 7);
  CHECK(delta("agenthost_event_log_commits_total") >= 1);
  CHECK(delta("agenthost_event_log_commits_total") <=
        delta("agenthost_event_log_items_committed_total"));
  CHECK(delta("agenthost_event_log_storing_seconds_total") > 0);
  CHECK(value(after, "agenthost_event_log_failed_batches_total") == 0);
  CHECK(value(after, "agenthost_events_refused_total") == 0);
  CHECK(delta("agenthost_auth_failures_total") == 1);
  CHECK(value(after, "agenthost_runs_active") == 0);
  CHECK(value(after, "agenthost_runs_queued") == 0);
  CHECK(value(after, "agenthost_connections_open") >= 1);  // this scrape's own

  // The user's own figures, from the state store and the run records.
  const auto stats = http_get(host.port, "/v1/me/stats", kAliceKey);
  INFO(stats.body);
  REQUIRE(stats.status == 200);
  const auto body = stats.json().as_object();
  CHECK(body.at("runs").at("completed") == 1);
  CHECK(body.at("runs").at("failed") == 1);
  CHECK(body.at("runs").at("total") == 2);
}

TEST_CASE("runs a restart finds unfinished are counted as interrupted in /metrics",
          "[daemon][metrics]") {
  TempDir dir;
  ConfigText config;
  const auto config_file = write_config(dir, config);
  std::string run_id;
  {
    Daemon host(config_file);
    run_id = start_run(host.port, kAliceKey, "sleepy", {{"ms", 60000}});
    REQUIRE(wait_until([&] { return status_of(host.port, kAliceKey, run_id) == "running"; }, 20s));
    host.process->signal(SIGKILL);
    REQUIRE(host.process->wait(20s));
  }
  Daemon restarted(config_file);
  const auto e = scrape(restarted.port);
  CHECK(value(e, "agenthost_runs_finished_total",
              {{"agent", "sleepy"}, {"status", "interrupted"}}) == 1);
  CHECK(value(e, "agenthost_runs_started_total", {{"agent", "sleepy"}}) == 0);
}
