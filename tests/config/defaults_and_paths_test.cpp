// Defaults for everything left out, and relative paths taken from the config file's directory.

#include <catch2/catch.hpp>

#include "config_test_support.hpp"

namespace agenthost::config::test {

namespace {

/// Changes the working directory for the scope (tests run one at a time per process).
class ScopedWorkingDir {
 public:
  explicit ScopedWorkingDir(const std::filesystem::path& dir)
      : old_(std::filesystem::current_path()) {
    std::filesystem::current_path(dir);
  }
  ~ScopedWorkingDir() { std::filesystem::current_path(old_); }
  ScopedWorkingDir(const ScopedWorkingDir&) = delete;
  ScopedWorkingDir& operator=(const ScopedWorkingDir&) = delete;

 private:
  std::filesystem::path old_;
};

}  // namespace

TEST_CASE("missing sections and keys take the struct defaults") {
  const auto config = load("{}");
  CHECK(config.source_file == kTestFile);

  CHECK(config.server.address == "127.0.0.1");
  CHECK(config.server.port == 8080);
  CHECK(config.server.data_dir == std::string(kTestBaseDir) + "/data");
  CHECK(config.server.max_message_bytes == 1048576u);
  CHECK(config.server.idle_timeout == std::chrono::seconds(60));

  CHECK(config.database.url == "sqlite:" + std::string(kTestBaseDir) + "/data/agenthost.db");
  CHECK(config.database.pool_size == 8u);
  CHECK(config.database.busy_timeout == std::chrono::seconds(5));

  CHECK(config.plugins.paths.empty());
  CHECK(config.plugins.on_error == OnPluginError::fail);
  CHECK(config.plugins.config.empty());

  CHECK(config.limits.max_concurrent_runs_per_user == 5u);
  CHECK(config.limits.max_queued_runs_per_user == 100u);
  CHECK(config.limits.run_timeout == std::chrono::minutes(5));
  CHECK(config.limits.worker_threads == 4u);

  CHECK(config.logging.level == "info");
  CHECK(config.logging.format == LogFormat::text);
}

TEST_CASE("keys given override only themselves") {
  const auto config = load(
      "server:\n  port: 9090\n"
      "database:\n  busy_timeout: 250ms\n"
      "logging:\n  format: json\n  level: debug\n");
  CHECK(config.server.port == 9090);
  CHECK(config.server.address == "127.0.0.1");
  CHECK(config.database.busy_timeout == std::chrono::milliseconds(250));
  CHECK(config.database.pool_size == 8u);
  CHECK(config.limits.worker_threads == 4u);
  CHECK(config.logging.format == LogFormat::json);
  CHECK(config.logging.level == "debug");
}

TEST_CASE("relative paths are taken from the config file's directory, not the working one") {
  const TempDir dir;
  const auto file = dir.write("etc/agenthost.yaml",
                              "server:\n"
                              "  data_dir: ../state\n"
                              "database:\n"
                              "  url: sqlite:db/agents.db\n"
                              "plugins:\n"
                              "  paths:\n"
                              "    - plugins\n"
                              "    - /opt/agents/triage.so\n"
                              "    - ./more/../extra\n");
  std::filesystem::create_directories(dir.path() / "elsewhere");
  const ScopedWorkingDir cwd(dir.path() / "elsewhere");

  const auto config = load_config_file("../etc/agenthost.yaml");
  const std::string etc = (dir.path() / "etc").string();
  CHECK(config.source_file == file);
  CHECK(config.server.data_dir == (dir.path() / "state").string());
  CHECK(config.database.url == "sqlite:" + etc + "/db/agents.db");
  REQUIRE(config.plugins.paths.size() == 3);
  CHECK(config.plugins.paths[0].path == etc + "/plugins");
  CHECK(config.plugins.paths[0].where == file + ":7:7 (plugins.paths[0])");
  CHECK(config.plugins.paths[1].path == "/opt/agents/triage.so");
  CHECK(config.plugins.paths[1].where == file + ":8:7 (plugins.paths[1])");
  CHECK(config.plugins.paths[2].path == etc + "/extra");
}

TEST_CASE("the default database lives in the resolved data_dir") {
  const auto config = load("server: {data_dir: /var/lib/agents}\n");
  CHECK(config.server.data_dir == "/var/lib/agents");
  CHECK(config.database.url == "sqlite:/var/lib/agents/agenthost.db");
}

TEST_CASE("database URLs: absolute sqlite, in-memory sqlite and postgresql are kept") {
  CHECK(load("database: {url: 'sqlite:/data/a.db'}").database.url == "sqlite:/data/a.db");
  CHECK(load("database: {url: 'sqlite::memory:'}").database.url == "sqlite::memory:");
  CHECK(load("database: {url: 'postgresql://u:p@h:5432/d'}").database.url ==
        "postgresql://u:p@h:5432/d");
}

TEST_CASE("plugin path entries are checked one by one") {
  const auto issues = issues_of("plugins:\n  paths:\n    - a.so\n    - ''\n    - {x: 1}\n");
  REQUIRE(issues.size() == 2);
  CHECK(issues[0].line == 4);
  CHECK(issues[0].column == 7);
  CHECK(issues[0].path == "plugins.paths[1]");
  CHECK(issues[0].message == "empty path; give a .so file or a directory of them");
  CHECK(issues[1].line == 5);
  CHECK(issues[1].path == "plugins.paths[2]");
  CHECK(issues[1].message == "expected a string, got a mapping");

  const auto not_a_list = only_issue("plugins:\n  paths: /opt/plugins\n");
  CHECK(not_a_list.path == "plugins.paths");
  CHECK(not_a_list.message == "expected a list of plugin files or directories, got '/opt/plugins'");
}

}  // namespace agenthost::config::test

TEST_CASE("agents get their own SQLite file beside the host's - PostgreSQL keeps one database") {
  using agenthost::config::complete_agent_database_url;
  CHECK(complete_agent_database_url("", "sqlite:/var/lib/agenthost/agenthost.db") ==
        "sqlite:/var/lib/agenthost/agent-data.db");
  CHECK(complete_agent_database_url("", "sqlite::memory:") == "sqlite::memory:");
  CHECK(complete_agent_database_url("", "postgresql://u@h/db") == "postgresql://u@h/db");
  CHECK(complete_agent_database_url("postgresql://agents@h/agents", "postgresql://u@h/db") ==
        "postgresql://agents@h/agents");
}
