// Signals on the real agenthostd (issue 5, "Tests"): SIGTERM drains runs in flight,
// kill -9 leaves runs that the next start marks interrupted, SIGHUP reloads the file.
// The real binary, the real testagents plugin file, config files and data in a temp
// dir, clients over HTTP; every wait is a poll with a deadline.
#include <catch2/catch.hpp>

#include <algorithm>
#include <csignal>

#include "daemon_harness.hpp"

using agenthost::database::test::backends_under_test;
using namespace agenthost::daemon::test;

TEST_CASE("SIGTERM drains runs in flight: short ones complete and long ones end as shutdown",
          "[daemon][signals]") {
  const auto backend = GENERATE(from_range(backends_under_test()));
  INFO("backend " << backend);
  BackendDatabase database(backend);
  TempDir dir;
  ConfigText config;
  config.database_url = database.url;
  config.server_extra = "  drain_timeout: 6s\n  runs_per_second_per_user: 0\n";
  config.limits = "  max_concurrent_runs_per_user: 10\n";
  const auto config_file = write_config(dir, config);

  std::vector<std::string> short_runs, long_runs;
  {
    Daemon host(config_file);
    const auto port = host.port;
    for (int i = 0; i < 3; ++i)
      short_runs.push_back(start_run(port, kAliceKey, "sleepy", {{"ms", 2000}}));
    for (int i = 0; i < 2; ++i)
      long_runs.push_back(start_run(port, kAliceKey, "sleepy", {{"ms", 60000}}));
    std::vector<std::string> all = short_runs;
    all.insert(all.end(), long_runs.begin(), long_runs.end());
    const bool all_running = wait_until(
        [&] {
          for (const auto& id : all)
            if (status_of(port, kAliceKey, id) != "running") return false;
          return true;
        },
        30s);
    REQUIRE(all_running);
    CHECK(http_get(port, "/readyz", std::nullopt).status == 200);

    host.process->signal(SIGTERM);

    // The listener stays open while the engine drains (HostRuntime::stop: not ready,
    // drain, flush, then the server stops): /readyz says 503 and new runs are refused.
    std::optional<HttpResponse> readyz;
    const bool went_unready = wait_until(
        [&] {
          readyz = http_get(port, "/readyz", std::nullopt);
          return readyz->status != 200;
        },
        10s);
    INFO("agenthostd stderr:\n" << host.err());
    REQUIRE(went_unready);
    CHECK(readyz->status == 503);
    CHECK(readyz->error_code() == "not_ready");
    CHECK(readyz->header("retry-after") == "1");
    const auto refused = post_run(port, kAliceKey, "sleepy", {{"ms", 10}});
    INFO("POST /v1/runs during the drain: " << refused.status << " " << refused.body);
    CHECK(refused.status == 503);
    CHECK(refused.error_code() == "shutting_down");
    // All five were in flight when the drain began.
    CHECK(host.process->wait_for_output(
        [](const std::string& s) { return contains(s, "execution engine shutting down"); }, 10s));
    CHECK(contains(host.err(), "5 runs unfinished"));

    const auto status = host.process->wait(60s);
    INFO("agenthostd stderr:\n" << host.err());
    REQUIRE(status.has_value());
    CHECK(*status == 0);
    CHECK(contains(host.err(), "agenthostd stopped"));
  }

  // Everything the drain stored is there after a restart on the same data.
  Daemon host(config_file);
  INFO("restarted agenthostd stderr:\n" << host.err());
  CHECK_FALSE(contains(host.err(), "marked interrupted"));  // the drain left nothing open
  for (const auto& id : short_runs) {
    const auto run = get_run(host.port, kAliceKey, id);
    INFO("short run " << serialize(run));
    CHECK(str(run.at("status")) == "completed");
    const auto events = events_of(host.port, kAliceKey, id);
    INFO(describe(events));
    REQUIRE(events.size() >= 2);
    CHECK(str(events.front().at("type")) == "agent_started");
    CHECK(str(events.back().at("type")) == "agent_completed");
    check_gapless(events, id);
  }
  for (const auto& id : long_runs) {
    const auto run = get_run(host.port, kAliceKey, id);
    INFO("long run " << serialize(run));
    // execution_engine.hpp: "stopped by shutdown(): interrupted / agent_death cause shutdown".
    CHECK(str(run.at("status")) == "interrupted");
    const auto events = events_of(host.port, kAliceKey, id);
    INFO(describe(events));
    REQUIRE(events.size() >= 2);
    CHECK(str(events.front().at("type")) == "agent_started");
    CHECK(str(events.back().at("type")) == "agent_death");
    CHECK(death_cause(events.back()) == "shutdown");
    CHECK(count_of(describe(events), "agent_death") == 1);
    check_gapless(events, id);
  }
  host.process->signal(SIGTERM);
  CHECK(host.process->wait(60s) == 0);
}

TEST_CASE("after kill -9 a restart marks unfinished runs interrupted and keeps their events",
          "[daemon][signals]") {
  const auto backend = GENERATE(from_range(backends_under_test()));
  INFO("backend " << backend);
  BackendDatabase database(backend);
  TempDir dir;
  ConfigText config;
  config.database_url = database.url;
  config.server_extra = "  runs_per_second_per_user: 0\n";
  // One running run per user: the second long run stays queued.
  config.limits = "  max_concurrent_runs_per_user: 1\n";
  const auto config_file = write_config(dir, config);

  std::string done, running, queued;
  {
    Daemon host(config_file);
    const auto port = host.port;
    done = start_run(port, kAliceKey, "chatty", {{"count", 5}});
    REQUIRE(wait_until([&] { return status_of(port, kAliceKey, done) == "completed"; }, 30s));
    running = start_run(port, kAliceKey, "sleepy", {{"ms", 60000}});
    // agent_started and the thinking event are stored (the events endpoint reads the
    // store) before the kill.
    REQUIRE(wait_until(
        [&] {
          return status_of(port, kAliceKey, running) == "running" &&
                 events_of(port, kAliceKey, running).size() >= 2;
        },
        30s));
    queued = start_run(port, kAliceKey, "sleepy", {{"ms", 60000}});
    CHECK(status_of(port, kAliceKey, queued) == "queued");

    host.process->signal(SIGKILL);
    const auto status = host.process->wait(30s);
    REQUIRE(status.has_value());
    CHECK(*status == 128 + SIGKILL);
  }

  Daemon host(config_file);
  const auto port = host.port;
  INFO("restarted agenthostd stderr:\n" << host.err());
  CHECK(
      contains(host.err(), "2 run(s) left unfinished by the previous process marked interrupted"));

  {
    const auto run = get_run(port, kAliceKey, running);
    INFO("running run " << serialize(run));
    CHECK(str(run.at("status")) == "interrupted");
    const auto events = events_of(port, kAliceKey, running);
    INFO(describe(events));
    REQUIRE(events.size() == 3);
    CHECK(str(events[0].at("type")) == "agent_started");
    CHECK(str(events[1].at("type")) == "agent_thinking");
    CHECK(str(events[2].at("type")) == "agent_death");
    CHECK(death_cause(events[2]) == "interrupted");
    check_gapless(events, running);
    // Replayable from any point, as a client resuming after the crash would.
    const auto resumed = events_of(port, kAliceKey, running, 1);
    REQUIRE(resumed.size() == 2);
    CHECK(resumed[0].at("seq").to_number<std::int64_t>() == 2);
    CHECK(str(resumed[1].at("type")) == "agent_death");
  }
  {
    const auto run = get_run(port, kAliceKey, queued);
    INFO("queued run " << serialize(run));
    CHECK(str(run.at("status")) == "interrupted");
    const auto events = events_of(port, kAliceKey, queued);
    INFO(describe(events));
    REQUIRE(events.size() == 1);
    CHECK(str(events[0].at("type")) == "agent_death");
    CHECK(death_cause(events[0]) == "interrupted");
    check_gapless(events, queued);
  }
  {
    // A run that finished before the crash is untouched: started, 5 thoughts, completed.
    CHECK(status_of(port, kAliceKey, done) == "completed");
    const auto events = events_of(port, kAliceKey, done);
    INFO(describe(events));
    REQUIRE(events.size() == 7);
    CHECK(str(events.front().at("type")) == "agent_started");
    CHECK(str(events.back().at("type")) == "agent_completed");
    check_gapless(events, done);
  }
  // The host serves new runs after the recovery.
  const auto fresh = start_run(port, kAliceKey, "chatty", {{"count", 1}});
  CHECK(wait_until([&] { return status_of(port, kAliceKey, fresh) == "completed"; }, 30s));

  host.process->signal(SIGTERM);
  CHECK(host.process->wait(60s) == 0);
}

// The reload contract (issue 5): on SIGHUP "reload: reading <path>"; each applied
// change "reload: applied <dotted.key> ..."; a change that needs a restart
// "reload: <dotted.key> changed; it needs a restart ..."; an invalid file logs each
// error then "reload: refused, the running configuration is unchanged".
TEST_CASE("SIGHUP applies new keys and rate limits and refuses invalid or restart-only changes",
          "[daemon][signals][reload]") {
  TempDir dir;
  const auto config_file = dir.path() / "agenthost.yaml";
  ConfigText a;
  a.server_extra = "  runs_per_second_per_user: 1\n";
  write_file(config_file, a.render(dir.path()));

  Daemon host(config_file);
  const auto port = host.port;
  auto agents_status = [&](const std::string& key) {
    return http_get(port, "/v1/agents", key).status;
  };

  // Config A: bob is unknown, alice may start one run per second.
  CHECK(agents_status(kAliceKey) == 200);
  CHECK(agents_status(kBobKey) == 401);
  {
    std::vector<unsigned> statuses;
    for (int i = 0; i < 3; ++i)
      statuses.push_back(post_run(port, kAliceKey, "sleepy", {{"ms", 0}}).status);
    INFO("statuses of 3 quick POST /v1/runs under 1 run/s: " << statuses[0] << " " << statuses[1]
                                                             << " " << statuses[2]);
    CHECK(statuses[0] == 202);
    CHECK(std::count(statuses.begin(), statuses.end(), 429u) >= 1);
  }

  // Config B: a key for bob, 1000 runs per second.
  ConfigText b = a;
  b.server_extra = "  runs_per_second_per_user: 1000\n";
  b.api_keys.emplace_back("bob", kBobKey);
  write_file(config_file, b.render(dir.path()));
  host.process->signal(SIGHUP);
  const bool bob_accepted = wait_until([&] { return agents_status(kBobKey) == 200; }, 20s);
  INFO("agenthostd stderr:\n" << host.err());
  REQUIRE(bob_accepted);
  CHECK(contains(host.err(), "reload: reading " + config_file.string()));
  // The changes are logged after they are applied: bob may get in before the lines.
  CHECK(host.process->wait_for_output(
      [](const std::string& s) { return contains(s, "reload: applied auth.api_keys"); }, 10s));
  CHECK(host.process->wait_for_output(
      [](const std::string& s) {
        return contains(s, "reload: applied server.runs_per_second_per_user");
      },
      10s));
  CHECK_FALSE(contains(host.err(), kBobKey));  // secrets never appear in logs
  CHECK_FALSE(contains(host.err(), kAliceKey));
  {
    // A reload refills every bucket at the new burst (1000): five runs at once pass,
    // where the old 1 run/s allowed one.
    for (int i = 0; i < 5; ++i) {
      const auto r = post_run(port, kAliceKey, "sleepy", {{"ms", 0}});
      INFO("run " << i + 1 << " of 5 after the reload: " << r.status << " " << r.body);
      CHECK(r.status == 202);
    }
  }
  CHECK(agents_status(kAliceKey) == 200);

  // An invalid file: every error logged, nothing changed.
  auto refusals = [&] { return count_of(host.err(), "reload: refused"); };
  CHECK(refusals() == 0);
  ConfigText unknown_key = b;
  unknown_key.api_keys = {{"alice", kAliceKey}};  // would drop bob if it were applied
  unknown_key.limits = "  max_concurent_runs_per_user: 3\n";
  write_file(config_file, unknown_key.render(dir.path()));
  host.process->signal(SIGHUP);
  // (wait_for_output holds the output lock while it calls its predicate: use its text.)
  REQUIRE(host.process->wait_for_output(
      [](const std::string& s) { return count_of(s, "reload: refused") == 1; }, 20s));
  CHECK(contains(host.err(), "limits.max_concurent_runs_per_user"));
  CHECK(contains(host.err(), "reload: refused, the running configuration is unchanged"));
  CHECK(agents_status(kBobKey) == 200);
  CHECK(post_run(port, kAliceKey, "sleepy", {{"ms", 0}}).status == 202);

  write_file(config_file, b.render(dir.path()) + "logging:\n  level: [unclosed\n");
  host.process->signal(SIGHUP);
  REQUIRE(host.process->wait_for_output(
      [](const std::string& s) { return count_of(s, "reload: refused") == 2; }, 20s));
  CHECK(agents_status(kBobKey) == 200);
  CHECK(http_get(port, "/readyz", std::nullopt).status == 200);

  // A change that only a restart can apply: logged, not applied, the host serves on.
  std::string text = b.render(dir.path());
  const auto at = text.find("  port: 0\n");
  REQUIRE(at != std::string::npos);
  text.replace(at, 10, "  port: 1\n");
  write_file(config_file, text);
  host.process->signal(SIGHUP);
  REQUIRE(host.process->wait_for_output(
      [](const std::string& s) { return contains(s, "needs a restart"); }, 20s));
  CHECK(contains(host.err(), "reload: server.port changed; it needs a restart"));
  CHECK(refusals() == 2);
  CHECK(http_get(port, "/readyz", std::nullopt).status == 200);
  CHECK(agents_status(kBobKey) == 200);
  CHECK(post_run(port, kAliceKey, "sleepy", {{"ms", 0}}).status == 202);

  host.process->signal(SIGTERM);
  CHECK(host.process->wait(60s) == 0);
}

TEST_CASE("a SIGHUP during the drain does not stop a second SIGTERM from exiting at once",
          "[daemon][signals]") {
  TempDir dir;
  ConfigText config;
  // The drain would wait a minute for the run below.
  config.server_extra = "  drain_timeout: 60s\n  runs_per_second_per_user: 0\n";
  const auto config_file = write_config(dir, config);
  Daemon host(config_file);
  const auto port = host.port;
  const auto run = start_run(port, kAliceKey, "sleepy", {{"ms", 120000}});
  REQUIRE(wait_until([&] { return status_of(port, kAliceKey, run) == "running"; }, 30s));

  host.process->signal(SIGTERM);
  REQUIRE(host.process->wait_for_output(
      [](const std::string& s) { return contains(s, "shutdown requested: draining"); }, 10s));
  host.process->signal(SIGHUP);
  host.process->signal(SIGTERM);
  // "At once": well before the 60 s drain, and by the second-signal path (status 1).
  const auto status = host.process->wait(20s);
  INFO("agenthostd stderr:\n" << host.err());
  REQUIRE(status.has_value());
  CHECK(*status == 1);
  CHECK(contains(host.err(), "SIGHUP ignored, the host is shutting down"));
  CHECK(contains(host.err(), "second shutdown signal: exiting now"));
}
