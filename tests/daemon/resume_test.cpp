// Runs that survive the host: agenthostd killed with SIGKILL (or stopped cleanly)
// while a resumable run waits for its user or works, then restarted. The run goes
// on in a fresh agent instance from its checkpoint, its events continue with the
// next seq (one agent_resumed), and it ends with exactly one terminal event. A run
// that keeps being found working at restarts is not resumed forever.
#include <catch2/catch.hpp>

#include <algorithm>
#include <csignal>

#include "daemon_harness.hpp"

using namespace agenthost::daemon::test;
using agenthost::database::test::backends_under_test;

namespace {

const std::string kApprovalPlugin = std::string(AGENTHOST_PLUGIN_DIR) + "/approval.so";

ConfigText resumable_config(const BackendDatabase& database) {
  ConfigText config;
  config.database_url = database.url;
  config.server_extra = "  runs_per_second_per_user: 0\n  drain_timeout: 1s\n";
  config.plugins.push_back(kApprovalPlugin);
  return config;
}

void kill_hard(Daemon& host) {
  host.process->signal(SIGKILL);
  const auto status = host.process->wait(30s);
  REQUIRE(status.has_value());
  CHECK(*status == 128 + SIGKILL);
}

std::vector<std::string> types_of(const std::vector<json::object>& events) {
  std::vector<std::string> types;
  for (const auto& e : events) types.push_back(str(e.at("type")));
  return types;
}

std::size_t terminal_count(const std::vector<json::object>& events) {
  std::size_t n = 0;
  for (const auto& e : events) {
    const auto type = str(e.at("type"));
    if (type == "agent_completed" || type == "agent_error" || type == "agent_death") ++n;
  }
  return n;
}

HttpResponse answer(std::uint16_t port, const std::string& run_id, const std::string& body) {
  return http_post(port, "/v1/runs/" + run_id + "/input", body, kAliceKey);
}

}  // namespace

TEST_CASE("a resumable run waiting for its user survives kill -9 and completes when answered",
          "[daemon][resume]") {
  const auto backend = GENERATE(from_range(backends_under_test()));
  INFO("backend " << backend);
  BackendDatabase database(backend);
  TempDir dir;
  const auto config_file = write_config(dir, resumable_config(database));

  std::string run_id;
  json::value question_id;
  {
    Daemon host(config_file);
    run_id = start_run(host.port, kAliceKey, "approval", {{"refund", 42}});
    REQUIRE(wait_until([&] { return status_of(host.port, kAliceKey, run_id) == "waiting_input"; },
                       30s));
    question_id = get_run(host.port, kAliceKey, run_id).at("question").at("question_id");
    kill_hard(host);
  }
  Daemon host(config_file);
  INFO("restarted agenthostd stderr:\n" << host.err());
  // The fresh instance asks again: the same question, waiting for the same answer.
  REQUIRE(
      wait_until([&] { return status_of(host.port, kAliceKey, run_id) == "waiting_input"; }, 30s));
  CHECK(get_run(host.port, kAliceKey, run_id).at("question").at("question_id") == question_id);
  const auto r = answer(host.port, run_id, R"({"approve": true})");
  INFO(r.body);
  REQUIRE(r.status == 202);
  REQUIRE(wait_until([&] { return status_of(host.port, kAliceKey, run_id) == "completed"; }, 30s));

  const auto run = get_run(host.port, kAliceKey, run_id);
  CHECK(run.at("result") == json::object{{"approved", true}});
  const auto events = events_of(host.port, kAliceKey, run_id);
  check_gapless(events, run_id);
  CHECK(types_of(events) == std::vector<std::string>{"agent_started", "input_required",
                                                     "agent_resumed", "agent_started",
                                                     "input_received", "agent_completed"});
  CHECK(terminal_count(events) == 1);
  CHECK(events[4].at("payload").at("question_id") == question_id);

  host.process->signal(SIGTERM);
  CHECK(host.process->wait(60s) == 0);
}

TEST_CASE("a waiting resumable run also survives a clean stop", "[daemon][resume]") {
  BackendDatabase database("sqlite3");
  TempDir dir;
  const auto config_file = write_config(dir, resumable_config(database));
  std::string run_id;
  {
    Daemon host(config_file);
    run_id = start_run(host.port, kAliceKey, "approval", {{"refund", 1}});
    REQUIRE(wait_until([&] { return status_of(host.port, kAliceKey, run_id) == "waiting_input"; },
                       30s));
    host.process->signal(SIGTERM);
    CHECK(host.process->wait(60s) == 0);
  }
  Daemon host(config_file);
  INFO("restarted agenthostd stderr:\n" << host.err());
  REQUIRE(
      wait_until([&] { return status_of(host.port, kAliceKey, run_id) == "waiting_input"; }, 30s));
  REQUIRE(answer(host.port, run_id, R"({"approve": false})").status == 202);
  REQUIRE(wait_until([&] { return status_of(host.port, kAliceKey, run_id) == "completed"; }, 30s));
  const auto events = events_of(host.port, kAliceKey, run_id);
  check_gapless(events, run_id);
  CHECK(terminal_count(events) == 1);
  CHECK(get_run(host.port, kAliceKey, run_id).at("result") == json::object{{"approved", false}});
  host.process->signal(SIGTERM);
  CHECK(host.process->wait(60s) == 0);
}

TEST_CASE("a resumable run killed while working continues from its checkpoint",
          "[daemon][resume]") {
  const auto backend = GENERATE(from_range(backends_under_test()));
  INFO("backend " << backend);
  BackendDatabase database(backend);
  TempDir dir;
  const auto config_file = write_config(dir, resumable_config(database));

  std::string durable, plain;
  {
    Daemon host(config_file);
    durable = start_run(host.port, kAliceKey, "durable", {{"steps", 40}, {"ms", 100}});
    plain = start_run(host.port, kAliceKey, "sleepy", {{"ms", 60000}});
    // Two steps checkpointed (their thinking events and the third's are stored).
    REQUIRE(wait_until([&] { return events_of(host.port, kAliceKey, durable).size() >= 4; }, 30s));
    REQUIRE(wait_until([&] { return status_of(host.port, kAliceKey, plain) == "running"; }, 30s));
    kill_hard(host);
  }
  Daemon host(config_file);
  INFO("restarted agenthostd stderr:\n" << host.err());
  REQUIRE(wait_until([&] { return status_of(host.port, kAliceKey, durable) == "completed"; }, 60s));
  const auto run = get_run(host.port, kAliceKey, durable);
  INFO(serialize(run));
  CHECK(run.at("result").at("steps") == 40);
  const auto resumed_at = run.at("result").at("resumed_at").to_number<std::int64_t>();
  CHECK(resumed_at >= 2);  // not from the start: the checkpoint was honoured
  CHECK(resumed_at < 40);
  const auto events = events_of(host.port, kAliceKey, durable);
  check_gapless(events, durable);
  CHECK(terminal_count(events) == 1);
  const auto types = types_of(events);
  CHECK(std::count(types.begin(), types.end(), "agent_resumed") == 1);
  CHECK(types.back() == "agent_completed");

  // A run of an agent that is not resumable ends as before.
  CHECK(status_of(host.port, kAliceKey, plain) == "interrupted");
  const auto plain_events = events_of(host.port, kAliceKey, plain);
  REQUIRE(!plain_events.empty());
  CHECK(str(plain_events.back().at("type")) == "agent_death");
  CHECK(death_cause(plain_events.back()) == "interrupted");
  check_gapless(plain_events, plain);

  host.process->signal(SIGTERM);
  CHECK(host.process->wait(60s) == 0);
}

TEST_CASE("a run found working at more restarts than limits.max_run_resumes ends agent_death",
          "[daemon][resume]") {
  BackendDatabase database("sqlite3");
  TempDir dir;
  auto config = resumable_config(database);
  config.limits = "  max_run_resumes: 1\n";
  const auto config_file = write_config(dir, config);

  std::string run_id;
  for (int restart = 0; restart < 2; ++restart) {
    Daemon host(config_file);
    if (restart == 0)
      run_id = start_run(host.port, kAliceKey, "durable", {{"steps", 1}, {"ms", 600000}});
    // Working, its events stored: agent_started and "step 1" (then agent_resumed,
    // agent_started and "step 1" again after the first restart).
    const std::size_t stored = restart == 0 ? 2 : 5;
    REQUIRE(
        wait_until([&] { return events_of(host.port, kAliceKey, run_id).size() >= stored; }, 30s));
    kill_hard(host);
  }
  Daemon host(config_file);
  INFO("restarted agenthostd stderr:\n" << host.err());
  CHECK(status_of(host.port, kAliceKey, run_id) == "interrupted");
  const auto events = events_of(host.port, kAliceKey, run_id);
  check_gapless(events, run_id);
  CHECK(terminal_count(events) == 1);
  const auto types = types_of(events);
  CHECK(std::count(types.begin(), types.end(), "agent_resumed") == 1);
  CHECK(death_cause(events.back()) == "interrupted");
  CHECK_THAT(str(events.back().at("payload").at("message")),
             Catch::Contains("limits.max_run_resumes"));
  host.process->signal(SIGTERM);
  CHECK(host.process->wait(60s) == 0);
}
