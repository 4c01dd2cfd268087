// agentctl against the real agenthostd, as the README has a user do it: start the
// daemon on port 0 in a temp dir (it logs "listening on ADDRESS:PORT"), then list the
// agents, run echo, follow the stored run, and see the refusals.
#include <catch2/catch.hpp>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <regex>

#include "support/child_process.hpp"
#include "support/temp_dir.hpp"

namespace fs = std::filesystem;
using agenthost::testing::ChildProcess;
using agenthost::testing::run_command;
using agenthost::testing::TempDir;

namespace {

constexpr const char* kApiKey = "ak_alice_0123456789abcdef";

std::string write_config(const TempDir& dir) {
  const auto file = dir.path() / "agenthost.yaml";
  std::ofstream(file) << "server:\n"
                         "  address: 127.0.0.1\n"
                         "  port: 0\n"
                         "  data_dir: "
                      << (dir.path() / "data").string()
                      << "\n"
                         "plugins:\n"
                         "  paths: ["
                      << AGENTHOST_PLUGIN_DIR << "/echo.so, " << AGENTHOST_TEST_PLUGIN_DIR
                      << "/testagents.so]\n"
                         "auth:\n"
                         "  api_keys:\n"
                         "    - user: alice\n"
                         "      key: \"${AGENTCTL_TEST_API_KEY}\"\n";
  return file.string();
}

}  // namespace

TEST_CASE("agentctl drives the real agenthostd end to end", "[agentctl][daemon]") {
  TempDir dir;
  ChildProcess daemon({AGENTHOSTD_PATH, "--config", write_config(dir)},
                      {{"AGENTCTL_TEST_API_KEY", kApiKey}});
  const bool ready = daemon.wait_for_output(
      [](const std::string& s) { return s.find("agenthostd ready") != std::string::npos; },
      std::chrono::seconds(60));
  INFO(daemon.out() << daemon.err());
  REQUIRE(ready);

  std::smatch listening;
  const auto log = daemon.out() + daemon.err();
  REQUIRE(std::regex_search(log, listening, std::regex(R"(listening on (\S+):(\d+))")));
  const std::map<std::string, std::string> env{
      {"AGENTHOST_URL", "http://" + listening[1].str() + ":" + listening[2].str()},
      {"AGENTHOST_TOKEN", kApiKey}};

  const auto agents = run_command({AGENTCTL_PATH, "agents"}, env);
  INFO(agents.out << agents.err);
  CHECK(agents.status == 0);
  CHECK_THAT(agents.out, Catch::Contains("\necho ") && Catch::Contains("\nsleepy "));

  const auto run = run_command({AGENTCTL_PATH, "run", "echo", "--input", R"({"text":"hi"})"}, env);
  INFO(run.out << run.err);
  CHECK(run.status == 0);
  CHECK_THAT(run.out,
             Catch::Contains("agent_started") && Catch::EndsWith("result: {\"text\":\"hi\"}\n"));

  std::smatch accepted;
  REQUIRE(std::regex_search(run.out, accepted, std::regex(R"(run (\S+) accepted)")));
  const auto events = run_command({AGENTCTL_PATH, "events", accepted[1].str(), "--follow"}, env);
  CHECK(events.status == 0);
  CHECK_THAT(events.out, Catch::EndsWith("result: {\"text\":\"hi\"}\n"));

  // (Only fields known at once: the status turns final just after the terminal event.)
  const auto shown = run_command({AGENTCTL_PATH, "runs", "show", accepted[1].str()}, env);
  CHECK(shown.status == 0);
  CHECK_THAT(shown.out, Catch::Contains("agent     echo\n") &&
                            Catch::Contains("input     {\"text\":\"hi\"}\n"));

  const auto failing =
      run_command({AGENTCTL_PATH, "run", "failing", "--input", R"({"message":"nope"})"}, env);
  CHECK(failing.status == 1);
  CHECK_THAT(failing.out, Catch::Contains("failed: ") && Catch::Contains("nope"));

  const auto unknown = run_command({AGENTCTL_PATH, "run", "ech"}, env);
  CHECK(unknown.status == 1);
  CHECK_THAT(unknown.err, Catch::StartsWith("agentctl: no agent named \"ech\"") &&
                              Catch::EndsWith("(unknown_agent)\n"));

  const auto refused = run_command(
      {AGENTCTL_PATH, "agents"},
      {{"AGENTHOST_URL", env.at("AGENTHOST_URL")}, {"AGENTHOST_TOKEN", "wrong-key-wrong-key"}});
  CHECK(refused.status == 1);
  CHECK_THAT(refused.err, Catch::StartsWith("agentctl: the host refused the token (401): "));

  daemon.signal(SIGTERM);
  const auto status = daemon.wait(std::chrono::seconds(30));
  REQUIRE(status.has_value());
  CHECK(*status == 0);

  // Once the daemon is gone, agentctl says so.
  const auto gone = run_command({AGENTCTL_PATH, "agents"}, env);
  CHECK(gone.status == 3);
  CHECK(gone.err == "agentctl: cannot reach agenthost at " + env.at("AGENTHOST_URL") +
                        ": connection refused\n");
}
