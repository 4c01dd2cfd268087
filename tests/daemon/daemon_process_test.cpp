// agenthostd as an operator runs it: the real binary, real plugin files, real config
// files in temp dirs.
#include <catch2/catch.hpp>

#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "notify_socket.hpp"
#include "support/child_process.hpp"
#include "support/temp_dir.hpp"

namespace fs = std::filesystem;
using agenthost::testing::ChildProcess;
using agenthost::testing::run_command;
using agenthost::testing::TempDir;

namespace {

std::string plugin(const std::string& name) {
  return std::string(AGENTHOST_PLUGIN_DIR) + "/" + name + ".so";
}
std::string test_plugin(const std::string& name) {
  return std::string(AGENTHOST_TEST_PLUGIN_DIR) + "/" + name + ".so";
}

std::string config_with_plugins(const TempDir& dir, const std::string& plugins_yaml) {
  return dir.write("agenthost.yaml", "server:\n  port: 0\n  data_dir: " + dir.path().string() +
                                         "/data\n" + plugins_yaml);
}

}  // namespace

TEST_CASE("agenthostd --check-config on the shipped config lists the example agents and tools",
          "[daemon]") {
  const auto r = run_command(
      {AGENTHOSTD_PATH, "--check-config",
       std::string(AGENTHOST_SOURCE_DIR) + "/config/agenthost.yaml"},
      {{"AGENTHOST_PLUGIN_DIR", AGENTHOST_PLUGIN_DIR}, {"AGENTHOST_DATA_DIR", "/tmp/unused"}});
  INFO(r.out << r.err);
  CHECK(r.status == 0);
  CHECK_THAT(r.out, Catch::Contains("is valid"));
  CHECK_THAT(r.out, Catch::Contains("echo"));
  CHECK_THAT(r.out, Catch::Contains("triage"));
  CHECK_THAT(r.out, Catch::Contains("triage.keyword_classifier"));
}

TEST_CASE("agenthostd --check-config reports every config error with its position", "[daemon]") {
  TempDir dir;
  const auto file = dir.write("bad.yaml",
                              "server:\n"
                              "  prot: 8080\n"
                              "limits:\n"
                              "  max_concurrent_runs_per_user: lots\n");
  const auto r = run_command({AGENTHOSTD_PATH, "--check-config", file});
  INFO(r.err);
  CHECK(r.status == 1);
  CHECK_THAT(r.err, Catch::Contains(file + ":2:3"));
  CHECK_THAT(r.err, Catch::Contains("server.prot"));
  CHECK_THAT(r.err, Catch::Contains("did you mean 'port'"));
  CHECK_THAT(r.err, Catch::Contains(file + ":4:"));
  CHECK_THAT(r.err, Catch::Contains("limits.max_concurrent_runs_per_user"));
  CHECK_THAT(r.err, Catch::Contains("refused"));
}

TEST_CASE("agenthostd --check-config refuses an incompatible plugin, naming file, field and fix",
          "[daemon]") {
  TempDir dir;
  const auto file = config_with_plugins(
      dir, "plugins:\n  paths: [" + plugin("echo") + ", " + test_plugin("bad_abi_major") + "]\n");
  const auto r = run_command({AGENTHOSTD_PATH, "--check-config", file});
  INFO(r.err);
  CHECK(r.status == 1);
  CHECK_THAT(r.err, Catch::Contains("bad_abi_major.so"));
  CHECK_THAT(r.err, Catch::Contains("abi_major"));
  CHECK_THAT(r.err, Catch::Contains("99"));
  CHECK_THAT(r.err, Catch::Contains("rebuild"));
}

TEST_CASE("agenthostd --check-config with on_error: skip loads the rest and lists the refusal",
          "[daemon]") {
  TempDir dir;
  const auto file =
      config_with_plugins(dir, "plugins:\n  on_error: skip\n  paths: [" + plugin("echo") + ", " +
                                   test_plugin("not_a_library") + "]\n");
  const auto r = run_command({AGENTHOSTD_PATH, "--check-config", file});
  INFO(r.out << r.err);
  CHECK(r.status == 0);
  CHECK_THAT(r.out, Catch::Contains("echo"));
  CHECK_THAT(r.out, Catch::Contains("not_a_library.so"));
}

TEST_CASE("agenthostd --check-plugin describes a good plugin and refuses a bad one", "[daemon]") {
  const auto good = run_command({AGENTHOSTD_PATH, "--check-plugin", plugin("triage")});
  INFO(good.out << good.err);
  CHECK(good.status == 0);
  CHECK_THAT(good.out, Catch::Contains("sdk abi 3.0"));
  CHECK_THAT(good.out, Catch::Contains("triage.keyword_classifier"));

  const auto bad =
      run_command({AGENTHOSTD_PATH, "--check-plugin", test_plugin("unresolved_symbol")});
  INFO(bad.err);
  CHECK(bad.status == 1);
  CHECK_THAT(bad.err, Catch::Contains("unresolved_symbol.so"));
  CHECK_THAT(bad.err, Catch::Contains("undefined symbol"));
}

TEST_CASE("agenthostd refuses to start with a plugin whose tool schema is malformed", "[daemon]") {
  TempDir dir;
  const auto file = config_with_plugins(
      dir, "plugins:\n  paths: [" + plugin("echo") + ", " + test_plugin("bad_schema") + "]\n");
  // The daemon itself, not --check-config: startup must stop at the plugin, before
  // the database or the port.
  const auto r = run_command({AGENTHOSTD_PATH, "--config", file});
  INFO(r.err);
  CHECK(r.status == 1);
  CHECK_THAT(r.err, Catch::Contains("bad_schema.so"));
  CHECK_THAT(r.err, Catch::Contains("tool \"bad_schema.lookup\" has an invalid input_schema: "
                                    "schema pointer /properties/unit/enum (\"enum\")"));
  CHECK_FALSE(fs::exists(dir.path() / "data" / "agenthost.db"));
}

TEST_CASE("usage errors exit 2 with the usage text", "[daemon]") {
  const auto r = run_command({AGENTHOSTD_PATH, "--serve"});
  CHECK(r.status == 2);
  CHECK_THAT(r.err, Catch::Contains("unknown option '--serve'"));
  CHECK_THAT(r.err, Catch::Contains("usage:"));
}

TEST_CASE("agenthostd --config starts the host, logs the frozen registry, and stops on SIGTERM",
          "[daemon]") {
  TempDir dir;
  const auto file =
      config_with_plugins(dir, "plugins:\n  paths: [" + std::string(AGENTHOST_PLUGIN_DIR) + "]\n");
  ChildProcess host({AGENTHOSTD_PATH, "--config", file});
  REQUIRE(host.wait_for_output(
      [](const std::string& s) { return s.find("agenthostd ready") != std::string::npos; },
      std::chrono::seconds(30)));
  CHECK_THAT(host.err(), Catch::Contains("echo"));
  CHECK_THAT(host.err(), Catch::Contains("triage"));
  CHECK(fs::exists(dir.path() / "data" / "agenthost.db"));
  host.signal(SIGTERM);
  const auto status = host.wait(std::chrono::seconds(30));
  REQUIRE(status.has_value());
  CHECK(*status == 0);
  CHECK_THAT(host.err(), Catch::Contains("agenthostd stopped"));
}

TEST_CASE("agenthostd --config refuses to start on a bad file and says why", "[daemon]") {
  TempDir dir;
  const auto file = dir.write("agenthost.yaml", "logging:\n  level: loud\n");
  const auto r = run_command({AGENTHOSTD_PATH, "--config", file});
  CHECK(r.status == 1);
  CHECK_THAT(r.err, Catch::Contains(file + ":2:"));
  CHECK_THAT(r.err, Catch::Contains("logging.level"));
  CHECK_THAT(r.err, Catch::Contains("not started"));
}

TEST_CASE("agenthostd refuses a second instance on the same data directory", "[daemon]") {
  TempDir dir;
  const auto file =
      config_with_plugins(dir, "plugins:\n  paths: [" + std::string(AGENTHOST_PLUGIN_DIR) + "]\n");
  ChildProcess first({AGENTHOSTD_PATH, "--config", file});
  REQUIRE(first.wait_for_output(
      [](const std::string& s) { return s.find("agenthostd ready") != std::string::npos; },
      std::chrono::seconds(30)));
  const auto second = run_command({AGENTHOSTD_PATH, "--config", file});
  CHECK(second.status == 1);
  CHECK_THAT(second.err,
             Catch::Contains("is in use by agenthostd (pid " + std::to_string(first.pid()) + ")"));
  first.signal(SIGTERM);
  CHECK(first.wait(std::chrono::seconds(30)) == 0);
}

TEST_CASE("agenthostd speaks sd_notify: READY once serving - RELOADING on SIGHUP - STOPPING",
          "[daemon]") {
  TempDir dir;
  agenthost::testing::NotifySocket notify;  // sets NOTIFY_SOCKET for the child too
  const auto file =
      config_with_plugins(dir, "plugins:\n  paths: [" + std::string(AGENTHOST_PLUGIN_DIR) + "]\n");
  ChildProcess host({AGENTHOSTD_PATH, "--config", file}, {{"WATCHDOG_USEC", "400000"}});
  auto next_with = [&](const std::string& what) -> std::optional<std::string> {
    for (int i = 0; i < 50; ++i) {
      auto n = notify.receive(std::chrono::seconds(30));
      if (!n) return std::nullopt;
      CHECK(n->sender_pid == host.pid());
      if (n->text.find(what) != std::string::npos) return n->text;
    }
    return std::nullopt;
  };
  const auto ready = next_with("READY=1");
  REQUIRE(ready.has_value());
  // READY is sent after the listener is bound (the daemon logs it before notifying;
  // our reader may see the log a moment after the datagram).
  CHECK(host.wait_for_output(
      [](const std::string& s) { return s.find("listening on") != std::string::npos; },
      std::chrono::seconds(10)));
  CHECK(next_with("WATCHDOG=1").has_value());
  CHECK(next_with("STATUS=").has_value());
  // A reload is announced, and READY again once the file is applied.
  host.signal(SIGHUP);
  CHECK(next_with("RELOADING=1").has_value());
  CHECK(next_with("READY=1").has_value());
  host.signal(SIGTERM);
  CHECK(next_with("STOPPING=1").has_value());
  CHECK(host.wait(std::chrono::seconds(30)) == 0);
}
