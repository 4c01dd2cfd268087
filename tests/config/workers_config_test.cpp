// Section workers, limits.cancel_grace and plugins.isolation: the settings of the
// supervised worker processes, with their defaults and their errors.

#include <catch2/catch.hpp>

#include <thread>

#include "config_test_support.hpp"

namespace agenthost::config::test {

namespace {

void check(const ConfigIssue& issue, int line, int column, const std::string& path) {
  INFO(issue.to_string());
  CHECK(issue.file == kTestFile);
  CHECK(issue.line == line);
  CHECK(issue.column == column);
  CHECK(issue.path == path);
  CHECK_THAT(issue.to_string(),
             Catch::StartsWith(std::string(kTestFile) + ":" + std::to_string(line) + ":" +
                               std::to_string(column) + ": " + path + ": "));
}

}  // namespace

TEST_CASE("workers, cancel_grace and isolation take their defaults") {
  const auto config = load("{}");
  const auto cores = std::max(1u, std::thread::hardware_concurrency());
  CHECK(default_worker_processes() == cores);
  CHECK(config.workers.processes == cores);
  CHECK(config.workers.memory_limit_mb == 0u);
  CHECK(config.workers.executable.empty());
  CHECK(config.workers.quarantine.crashes == 3u);
  CHECK(config.workers.quarantine.within == std::chrono::seconds(60));
  CHECK(config.workers.quarantine.duration == std::chrono::seconds(300));
  CHECK(config.limits.cancel_grace == std::chrono::seconds(10));
  CHECK(config.plugins.isolation.default_mode == IsolationMode::worker);
  CHECK(config.plugins.isolation.by_plugin.empty());
  CHECK(config.plugins.isolation.for_plugin("anything") == IsolationMode::worker);
}

TEST_CASE("every workers key is read") {
  const auto config = load(
      "workers:\n"
      "  processes: 3\n"
      "  memory_limit_mb: 512\n"
      "  executable: bin/agenthost-worker\n"
      "  quarantine:\n"
      "    crashes: 5\n"
      "    within: 2m\n"
      "    duration: 1h\n"
      "limits:\n"
      "  cancel_grace: 250ms\n");
  CHECK(config.workers.processes == 3u);
  CHECK(config.workers.memory_limit_mb == 512u);
  CHECK(config.workers.executable == std::string(kTestBaseDir) + "/bin/agenthost-worker");
  CHECK(config.workers.quarantine.crashes == 5u);
  CHECK(config.workers.quarantine.within == std::chrono::minutes(2));
  CHECK(config.workers.quarantine.duration == std::chrono::hours(1));
  CHECK(config.limits.cancel_grace == std::chrono::milliseconds(250));
}

TEST_CASE("workers.processes: auto is the number of cores") {
  CHECK(load("workers: {processes: auto}").workers.processes == default_worker_processes());
  CHECK(load("workers: {processes: 1}").workers.processes == 1u);
}

TEST_CASE("workers.executable: absolute kept, empty means next to agenthostd") {
  CHECK(load("workers: {executable: /opt/agenthost/worker}").workers.executable ==
        "/opt/agenthost/worker");
  CHECK(load("workers: {executable: ''}").workers.executable.empty());
}

TEST_CASE("plugins.isolation: default and by_plugin are read") {
  const auto config = load(
      "plugins:\n"
      "  isolation:\n"
      "    default: in_process\n"
      "    by_plugin:\n"
      "      billing: dedicated\n"
      "      scraper: worker\n");
  const auto& isolation = config.plugins.isolation;
  CHECK(isolation.default_mode == IsolationMode::in_process);
  CHECK(isolation.by_plugin ==
        std::map<std::string, IsolationMode>{{"billing", IsolationMode::dedicated},
                                             {"scraper", IsolationMode::worker}});
  CHECK(isolation.for_plugin("billing") == IsolationMode::dedicated);
  CHECK(isolation.for_plugin("scraper") == IsolationMode::worker);
  CHECK(isolation.for_plugin("echo") == IsolationMode::in_process);
}

TEST_CASE("isolation modes are spelled as in the file") {
  CHECK(to_string(IsolationMode::worker) == "worker");
  CHECK(to_string(IsolationMode::dedicated) == "dedicated");
  CHECK(to_string(IsolationMode::in_process) == "in_process");
}

TEST_CASE("a bad isolation mode is refused with the allowed modes") {
  SECTION("default") {
    const auto issue = only_issue("plugins:\n  isolation:\n    default: sandbox\n");
    check(issue, 3, 14, "plugins.isolation.default");
    CHECK(issue.message ==
          "'sandbox' is not allowed; choose one of: worker, dedicated, in_process");
  }
  SECTION("by_plugin, with a suggestion") {
    const auto issue =
        only_issue("plugins:\n  isolation:\n    by_plugin:\n      billing: dedicate\n");
    check(issue, 4, 16, "plugins.isolation.by_plugin.billing");
    CHECK(issue.message ==
          "'dedicate' is not allowed; did you mean 'dedicated'? choose one of: worker, "
          "dedicated, in_process");
  }
  SECTION("by_plugin not a mapping") {
    const auto issue = only_issue("plugins:\n  isolation:\n    by_plugin: [billing]\n");
    check(issue, 3, 16, "plugins.isolation.by_plugin");
    CHECK_THAT(issue.message,
               Catch::StartsWith("expected a mapping from plugin name to isolation mode"));
  }
  SECTION("an unknown key") {
    const auto issue = only_issue("plugins:\n  isolation:\n    defualt: worker\n");
    check(issue, 3, 5, "plugins.isolation.defualt");
    CHECK(issue.message ==
          "unknown key 'defualt'; did you mean 'default'? allowed keys here: default, by_plugin");
  }
}

TEST_CASE("bad workers.processes values are refused") {
  SECTION("zero") {
    const auto issue = only_issue("workers:\n  processes: 0\n");
    check(issue, 2, 14, "workers.processes");
    CHECK(issue.message == "0 is out of range; allowed: 1 .. 1024, or auto");
  }
  SECTION("negative") {
    const auto issue = only_issue("workers:\n  processes: -2\n");
    check(issue, 2, 14, "workers.processes");
    CHECK(issue.message == "-2 is out of range; allowed: 1 .. 1024, or auto");
  }
  SECTION("not a number") {
    const auto issue = only_issue("workers:\n  processes: many\n");
    check(issue, 2, 14, "workers.processes");
    CHECK(issue.message == "expected an integer or auto, got 'many'");
  }
  SECTION("no value") {
    const auto issue = only_issue("workers:\n  processes:\n");
    check(issue, 2, 3, "workers.processes");
    CHECK(issue.message == "no value given; expected an integer or auto");
  }
}

TEST_CASE("bad durations and counts of workers and limits are refused") {
  SECTION("a duration without a unit") {
    const auto issue = only_issue("workers:\n  quarantine:\n    within: 10\n");
    check(issue, 3, 13, "workers.quarantine.within");
    CHECK(issue.message ==
          "expected a duration such as 500ms, 30s or 5m (units: ms, s, m, h), got '10'");
  }
  SECTION("a quarantine duration out of range") {
    const auto issue = only_issue("workers:\n  quarantine:\n    duration: 0s\n");
    check(issue, 3, 15, "workers.quarantine.duration");
    CHECK(issue.message == "0ms is out of range; allowed: 1s .. 168h");
  }
  SECTION("zero crashes") {
    const auto issue = only_issue("workers:\n  quarantine:\n    crashes: 0\n");
    check(issue, 3, 14, "workers.quarantine.crashes");
    CHECK(issue.message == "0 is out of range; allowed: 1 .. 1000");
  }
  SECTION("a negative memory limit") {
    const auto issue = only_issue("workers:\n  memory_limit_mb: -1\n");
    check(issue, 2, 20, "workers.memory_limit_mb");
    CHECK(issue.message == "-1 is out of range; allowed: 0 .. 4194304");
  }
  SECTION("cancel_grace") {
    const auto issue = only_issue("limits:\n  cancel_grace: soon\n");
    check(issue, 2, 17, "limits.cancel_grace");
    CHECK(issue.message ==
          "expected a duration such as 500ms, 30s or 5m (units: ms, s, m, h), got 'soon'");
  }
  SECTION("cancel_grace above the maximum") {
    const auto issue = only_issue("limits:\n  cancel_grace: 2h\n");
    check(issue, 2, 17, "limits.cancel_grace");
    CHECK(issue.message == "2h is out of range; allowed: 0ms .. 1h");
  }
}

TEST_CASE("every problem in the workers section is reported at once") {
  const auto issues = issues_of(
      "workers:\n"
      "  processes: 0\n"
      "  quarantine:\n"
      "    crashes: 0\n"
      "    within: forever\n");
  REQUIRE(issues.size() == 3);
  CHECK(issues[0].path == "workers.processes");
  CHECK(issues[1].path == "workers.quarantine.crashes");
  CHECK(issues[2].path == "workers.quarantine.within");
}

TEST_CASE("the new keys need a restart, nested keys named in full") {
  const auto before = load("{}");
  const auto after = load(
      "workers: {processes: 7, quarantine: {crashes: 9}}\n"
      "limits: {cancel_grace: 1s}\n"
      "plugins: {isolation: {by_plugin: {billing: dedicated}}}\n");
  ReloadPlan plan;
  host_config_schema().plan_reload(before, after, "", plan);
  CHECK(plan.live.empty());
  CHECK(plan.needs_restart == std::vector<std::string>{"plugins.isolation.by_plugin",
                                                       "limits.cancel_grace", "workers.processes",
                                                       "workers.quarantine.crashes"});
}

}  // namespace agenthost::config::test
