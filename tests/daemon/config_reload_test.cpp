// What a SIGHUP reload applies live and what it leaves for a restart (the plan; the
// real daemon's reload is in daemon_signals_test.cpp).
#include <catch2/catch.hpp>

#include <algorithm>
#include <string>

#include "config/host_config.hpp"
#include "daemon/config_reload.hpp"

using agenthost::config::HostConfig;
using agenthost::config::load_config_string;
using agenthost::daemon::plan_reload;
using agenthost::daemon::with_live_settings;

namespace {

HostConfig load(const std::string& yaml) { return load_config_string(yaml, "t.yaml", "/tmp"); }

const std::string kBase =
    "server:\n  port: 8080\n  runs_per_second_per_user: 10\n"
    "limits:\n  max_concurrent_runs_per_user: 5\n"
    "auth:\n  api_keys:\n    - {user: alice, key: alice-key-0123456789}\n";

bool contains(const std::vector<std::string>& lines, const std::string& text) {
  return std::any_of(lines.begin(), lines.end(),
                     [&](const std::string& l) { return l.find(text) != std::string::npos; });
}

}  // namespace

TEST_CASE("reload plan: the same file changes nothing") {
  const auto plan = plan_reload(load(kBase), load(kBase));
  CHECK(plan.live.empty());
  CHECK(plan.needs_restart.empty());
}

TEST_CASE(
    "reload plan: limits - rate limits and log settings are applied with old and new values") {
  const auto next = load(
      "server:\n  port: 8080\n  runs_per_second_per_user: 1000\n  max_connections_per_user: 3\n"
      "limits:\n  max_concurrent_runs_per_user: 9\n  run_timeout: 10s\n"
      "logging:\n  level: debug\n  format: json\n"
      "auth:\n  api_keys:\n    - {user: alice, key: alice-key-0123456789}\n");
  const auto plan = plan_reload(load(kBase), next);
  CHECK(plan.needs_restart.empty());
  CHECK(contains(plan.live, "server.runs_per_second_per_user: 10 -> 1000"));
  CHECK(contains(plan.live, "server.max_connections_per_user: 16 -> 3"));
  CHECK(contains(plan.live, "limits.max_concurrent_runs_per_user: 5 -> 9"));
  CHECK(contains(plan.live, "limits.run_timeout: 5m -> 10s"));
  CHECK(contains(plan.live, "logging.level: \"info\" -> \"debug\""));
  CHECK(contains(plan.live, "logging.format: text -> json"));
  CHECK(plan.live.size() == 6);
}

TEST_CASE("reload plan: auth changes are applied without showing a secret") {
  const auto next = load(
      "server:\n  port: 8080\n  runs_per_second_per_user: 10\n"
      "limits:\n  max_concurrent_runs_per_user: 5\n"
      "auth:\n  jwt:\n    hs256_secret: a-new-secret-of-at-least-32-bytes!!\n"
      "  api_keys:\n    - {user: alice, key: alice-key-0123456789}\n"
      "    - {user: bob, key: bob-key-9876543210ab}\n");
  const auto plan = plan_reload(load(kBase), next);
  CHECK(plan.live ==
        std::vector<std::string>{"auth.jwt.hs256_secret: changed", "auth.api_keys: changed"});
  for (const auto& line : plan.live) {
    CHECK(line.find("bob-key") == std::string::npos);
    CHECK(line.find("a-new-secret") == std::string::npos);
  }
}

TEST_CASE("reload plan: plugins - database and listen changes need a restart and are kept") {
  const auto running = load(kBase);
  const auto next = load(
      "server:\n  port: 9090\n  runs_per_second_per_user: 10\n  io_threads: 4\n"
      "database:\n  url: sqlite:/tmp/other.db\n"
      "plugins:\n  paths: [/tmp/plugins]\n"
      "limits:\n  max_concurrent_runs_per_user: 5\n  worker_threads: 2\n"
      "auth:\n  api_keys:\n    - {user: alice, key: alice-key-0123456789}\n");
  const auto plan = plan_reload(running, next);
  CHECK(plan.live.empty());
  // database.agent_url follows database.url (agent-data.db beside the new file).
  for (const auto* key : {"server.port", "server.io_threads", "database.url", "database.agent_url",
                          "plugins.paths", "limits.worker_threads"})
    CHECK(std::count(plan.needs_restart.begin(), plan.needs_restart.end(), key) == 1);
  CHECK(plan.needs_restart.size() == 6);

  const auto after = with_live_settings(running, next);
  CHECK(after.server.port == 8080);
  CHECK(after.database.url == running.database.url);
  CHECK(after.limits.worker_threads == running.limits.worker_threads);
}

TEST_CASE("reload plan: the running config takes exactly the live keys") {
  const auto next = load(
      "server:\n  port: 9090\n  runs_per_second_per_user: 0\n"
      "limits:\n  max_concurrent_runs_per_user: 7\n  max_queued_runs_per_user: 3\n"
      "auth:\n  api_keys: []\n");
  const auto after = with_live_settings(load(kBase), next);
  CHECK(after.server.runs_per_second_per_user == 0);
  CHECK(after.limits.max_concurrent_runs_per_user == 7);
  CHECK(after.limits.max_queued_runs_per_user == 3);
  CHECK(after.auth.api_keys.empty());
  CHECK(after.server.port == 8080);
  // Applying the same file again now changes only what needs a restart.
  const auto again = plan_reload(after, next);
  CHECK(again.live.empty());
  CHECK(again.needs_restart == std::vector<std::string>{"server.port"});
}

namespace {

// Every key of the schema under `prefix` with its declared reload kind.
void collect_keys(const agenthost::config::SchemaDoc& doc, const std::string& prefix,
                  std::vector<std::pair<std::string, agenthost::config::Reload>>& out) {
  for (const auto& field : doc.fields) {
    const auto key = prefix.empty() ? field.key : prefix + "." + field.key;
    if (field.nested)
      collect_keys(*field.nested, key, out);
    else
      out.emplace_back(key, field.reload);
  }
}

}  // namespace

TEST_CASE("reload plan: every key of the schema declares whether it is applied live") {
  using agenthost::config::host_config_schema;
  const auto undeclared = host_config_schema().doc().undeclared_reload();
  INFO("declare .live(), .live_secret() or .restart() beside each of these keys' definitions");
  CHECK(undeclared == std::vector<std::string>{});
}

TEST_CASE("reload plan: the keys declared live are those HostRuntime::reload applies") {
  using agenthost::config::Reload;
  std::vector<std::pair<std::string, Reload>> keys;
  collect_keys(agenthost::config::host_config_schema().doc(), "", keys);
  std::vector<std::string> live;
  for (const auto& [key, kind] : keys)
    if (kind == Reload::live || kind == Reload::live_secret) live.push_back(key);
  // A key added here must be applied in HostRuntime::reload (and logging in commands.cpp).
  CHECK(live == std::vector<std::string>{
                    "server.max_connections_per_user", "server.runs_per_second_per_user",
                    "limits.max_concurrent_runs_per_user", "limits.max_queued_runs_per_user",
                    "limits.run_timeout", "limits.input_timeout",
                    "limits.max_waiting_runs_per_user", "logging.level", "logging.format",
                    "auth.jwt.hs256_secret", "auth.jwt.issuer", "auth.jwt.audience",
                    "auth.jwt.leeway", "auth.api_keys", "model_budgets.tokens_per_day",
                    "model_budgets.tokens_per_run"});
}

TEST_CASE("reload plan: a change of any restart key is reported and not applied") {
  // Every key, from the schema: none can be missing from the plan.
  const auto running = load(kBase);
  auto next = running;
  next.server.request_threads += 1;
  next.server.send_queue_frames += 1;
  next.database.busy_timeout += std::chrono::milliseconds(1);
  next.plugins.on_error = agenthost::config::OnPluginError::skip;
  const auto plan = plan_reload(running, next);
  CHECK(plan.live.empty());
  CHECK(plan.needs_restart ==
        std::vector<std::string>{"server.request_threads", "server.send_queue_frames",
                                 "database.busy_timeout", "plugins.on_error"});
  const auto after = with_live_settings(running, next);
  CHECK(after.server.request_threads == running.server.request_threads);
  CHECK(after.plugins.on_error == running.plugins.on_error);
}
