#include <soci/soci.h>
#include <boost/json/parse.hpp>
#include <catch2/catch.hpp>

#include <stop_token>

#include "fake_services.hpp"
#include "loader_test_support.hpp"

using namespace agenthost::testing;
using agenthost::plugin_loader::OnError;
using agenthost::registry::AgentClassRegistry;

namespace {

struct TestAgents {
  TestAgents() {
    load(registry, {test_plugin("testagents")}, OnError::fail);
    registry.freeze();
  }
  AgentClassRegistry registry;
};

}  // namespace

TEST_CASE("testagents: sleepy sleeps, and returns early when cancelled") {
  TestAgents t;
  FakeRun run(t.registry, "sleepy");
  CHECK(run_agent(t.registry, run, "sleepy", {{"ms", 1}}) ==
        boost::json::parse(R"({"slept_ms": 1, "cancelled": false})"));
  REQUIRE(run.events.events.size() == 1);
  CHECK(run.events.events[0].type == "agent_thinking");

  std::stop_source stop;
  stop.request_stop();
  FakeRun cancelled(t.registry, "sleepy", stop.get_token());
  // An hour-long sleep that must end at once: the run is already cancelled.
  CHECK(run_agent(t.registry, cancelled, "sleepy", {{"ms", 3600000}}).at("cancelled") == true);
}

TEST_CASE("testagents: failing, throwing_ctor and chatty do what they say") {
  TestAgents t;
  FakeRun run(t.registry, "failing");
  CHECK_THROWS_WITH(run_agent(t.registry, run, "failing", {{"message", "boom"}}), "boom");
  FakeRun ctor_run(t.registry, "throwing_ctor");
  CHECK_THROWS_WITH(t.registry.find_agent("throwing_ctor")->factory(ctor_run.services()),
                    "throwing_ctor fails in its constructor on purpose");
  FakeRun chatty(t.registry, "chatty");
  CHECK(run_agent(t.registry, chatty, "chatty", {{"count", 3}}).at("emitted") == 3);
  CHECK(chatty.events.events.size() == 3);
}

TEST_CASE("testagents: dbwriter inserts its value, then fails when asked") {
  TestAgents t;
  FakeRun run(t.registry, "dbwriter");
  run_agent(t.registry, run, "dbwriter", {{"value", "first"}});
  CHECK_THROWS_WITH(run_agent(t.registry, run, "dbwriter", {{"value", "second"}, {"fail", true}}),
                    Catch::Contains("dbwriter fails after its insert"));
  int rows = 0;
  run.db.sql() << "SELECT COUNT(*) FROM agent_notes WHERE run_id = 'run-0001'", soci::into(rows);
  CHECK(rows == 2);  // the fake has no transaction to roll back: both inserts are there
}

TEST_CASE("testagents: toolcaller calls testagents.record with the caller's context") {
  TestAgents t;
  FakeRun run(t.registry, "toolcaller");
  const auto result = run_agent(t.registry, run, "toolcaller", {{"x", 1}});
  CHECK(result.at("input") == boost::json::parse(R"({"x": 1})"));
  CHECK(result.at("user_id") == "user-0001");
  CHECK(result.at("run_id") == "run-0001");
  CHECK(result.at("agent_name") == "toolcaller");
}
