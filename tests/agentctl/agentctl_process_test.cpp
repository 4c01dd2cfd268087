// The agentctl executable as a user runs it, against the real server (TestHost, in
// this process, on a real port): the README's command, usage errors, @FILE input,
// and Ctrl-C leaving the run going.
#include <catch2/catch.hpp>

#include <csignal>
#include <filesystem>
#include <fstream>

#include "server/test_client.hpp"
#include "server/test_host.hpp"
#include "support/child_process.hpp"

using agenthost::server::test::TestHost;
using agenthost::testing::ChildProcess;
using agenthost::testing::run_command;

namespace {

std::map<std::string, std::string> env_for(const TestHost& host,
                                           const std::string& user = "alice") {
  return {{"AGENTHOST_URL", "http://127.0.0.1:" + std::to_string(host.port())},
          {"AGENTHOST_TOKEN", TestHost::token(user)}};
}

}  // namespace

TEST_CASE("agentctl run echo --input '{\"text\":\"hi\"}' shows the events and the result",
          "[agentctl][process]") {
  TestHost host;
  const auto r =
      run_command({AGENTCTL_PATH, "run", "echo", "--input", R"({"text":"hi"})"}, env_for(host));
  INFO(r.out << r.err);
  CHECK(r.status == 0);
  CHECK_THAT(r.out, Catch::Contains("agent_started") && Catch::Contains("agent_thinking") &&
                        Catch::Contains("agent_completed") &&
                        Catch::EndsWith("result: {\"text\":\"hi\"}\n"));
  CHECK(r.err.empty());
}

TEST_CASE("agentctl usage errors exit 2 with the synopsis and --help exits 0",
          "[agentctl][process]") {
  const auto none = run_command({AGENTCTL_PATH});
  CHECK(none.status == 2);
  CHECK_THAT(none.err, Catch::StartsWith("agentctl: no command given\nusage: agentctl"));

  const auto typo = run_command({AGENTCTL_PATH, "agents", "--folow"});
  CHECK(typo.status == 2);
  CHECK_THAT(typo.err,
             Catch::StartsWith("agentctl: unknown option '--folow'; did you mean '--follow'?\n"));

  const auto help = run_command({AGENTCTL_PATH, "--help"});
  CHECK(help.status == 0);
  CHECK_THAT(help.out, Catch::Contains("exit status"));
  CHECK(help.err.empty());
}

TEST_CASE("agentctl run --input @FILE sends the file's JSON", "[agentctl][process]") {
  TestHost host;
  const auto file = host.dir / "input.json";
  std::ofstream(file) << "{\n  \"text\": \"from a file\"\n}\n";
  const auto r =
      run_command({AGENTCTL_PATH, "run", "echo", "--input", "@" + file.string()}, env_for(host));
  INFO(r.err);
  CHECK(r.status == 0);
  CHECK_THAT(r.out, Catch::EndsWith("result: {\"text\":\"from a file\"}\n"));
}

TEST_CASE("Ctrl-C stops watching a run but not the run and says how to resume",
          "[agentctl][process]") {
  TestHost host;
  ChildProcess agentctl({AGENTCTL_PATH, "run", "sleepy", "--input", R"({"ms":60000})"},
                        env_for(host));
  REQUIRE(agentctl.wait_for_output(
      [](const std::string& s) { return s.find("sleeping 60000 ms") != std::string::npos; },
      std::chrono::seconds(30)));
  agentctl.signal(SIGINT);
  const auto status = agentctl.wait(std::chrono::seconds(30));
  REQUIRE(status.has_value());
  CHECK(*status == 130);
  INFO(agentctl.err());
  // Handled, not killed: the message is there.
  CHECK_THAT(agentctl.err(), Catch::StartsWith("agentctl: interrupted; run ") &&
                                 Catch::Contains(" goes on: follow it with 'agentctl events ") &&
                                 Catch::Contains("--after 2 --follow'"));

  // The run is still going on the host; agentctl can pick it up and cancel it.
  const auto out = agentctl.out();
  const auto start = out.find("run ") + 4;
  const auto run_id = out.substr(start, out.find(' ', start) - start);
  const auto record = host.run(run_id, "alice");
  REQUIRE(record.has_value());
  CHECK(record->status == "running");
  const auto cancel = run_command({AGENTCTL_PATH, "cancel", run_id}, env_for(host));
  CHECK(cancel.status == 0);
  const auto follow =
      run_command({AGENTCTL_PATH, "events", run_id, "--after", "2", "--follow"}, env_for(host));
  INFO(follow.out << follow.err);
  CHECK(follow.status == 1);
  CHECK_THAT(follow.out,
             Catch::Contains("#3    agent_death") && Catch::Contains("died (cancelled)"));
}
