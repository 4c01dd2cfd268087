// Stopping a run: cancel on an event, after a delay, from the test, by timeout; and
// an agent that ignores its stop token.

#include <catch2/catch.hpp>

#include <agenthost/testing/harness.hpp>

#include <chrono>
#include <string>
#include <vector>

#include "sdk_test_agents.hpp"

using agenthost::testing::AgentHarness;
using agenthost::testing::AgentIgnoredStop;
using namespace std::chrono_literals;

TEST_CASE("cancel_on_event stops the run right after that event, deterministically") {
  AgentHarness harness;
  harness.add_agent<sdk_test::Ticker>("ticker");
  harness.cancel_on_event("tick");

  const auto result = harness.run("ticker");

  INFO(result.describe());
  CHECK(result.status == "cancelled");
  CHECK(result.error_type == "cancelled");
  CHECK(result.events_of("tick").size() == 1);
  CHECK(result.terminal_event().type == "agent_death");
  CHECK(result.terminal_event().payload.at("death_cause") == "cancelled");
  CHECK(result.result.is_null());
  CHECK(result.stop_latency.has_value());
}

TEST_CASE("cancel_after stops a waiting agent, which returns at once") {
  AgentHarness harness;
  harness.add_agent<sdk_test::Sleeper>("sleeper");
  harness.cancel_after(20ms);

  // Without the cancel the agent would wait a minute; stop_grace (5 s) bounds it.
  const auto result = harness.run("sleeper");

  INFO(result.describe());
  CHECK(result.status == "cancelled");
  CHECK(result.event_types() ==
        std::vector<std::string>{"agent_started", "agent_thinking", "agent_death"});
  CHECK(result.stop_latency.has_value());
}

TEST_CASE("a test can stop a run it started, like a user's cancel") {
  AgentHarness harness;
  harness.add_agent<sdk_test::Sleeper>("sleeper");
  auto running = harness.start("sleeper");
  REQUIRE(running.wait_for_event("agent_thinking"));
  CHECK_FALSE(running.context().stop_requested());

  running.request_stop();

  CHECK(running.context().stop_requested());
  const auto result = running.wait();
  INFO(result.describe());
  CHECK(result.status == "cancelled");
}

TEST_CASE("the context's run_timeout stops the run as a timeout") {
  AgentHarness harness;
  harness.add_agent<sdk_test::Sleeper>("sleeper");
  harness.context().run_timeout(30ms);

  const auto result = harness.run("sleeper");

  INFO(result.describe());
  CHECK(result.status == "timed_out");
  CHECK(result.error_type == "timeout");
  CHECK(result.terminal_event().payload.at("death_cause") == "timeout");
  CHECK(result.error_message == "the run exceeded its timeout of 30 ms");
}

TEST_CASE("a run that ends before any stop is not stopped") {
  AgentHarness harness;
  harness.add_agent<sdk_test::Ticker>("ticker");
  harness.cancel_after(std::chrono::hours(1));
  const auto result = harness.run("ticker", {{"max", 3}});
  CHECK(result.completed());
  CHECK(result.result == boost::json::value{{"ticks", 3}});
  CHECK_FALSE(result.stop_latency.has_value());
}

TEST_CASE("an agent that ignores its stop fails the test with AgentIgnoredStop") {
  AgentHarness harness;
  harness.add_agent<sdk_test::StubbornAgent>("stubborn");
  harness.stop_grace(1s);
  sdk_test::Stubborn::release = false;

  auto running = harness.start("stubborn");
  REQUIRE(running.wait_for_event("agent_thinking"));
  running.request_stop();
  CHECK_THROWS_WITH(running.wait(), Catch::Contains("did not return within 1000 ms of its stop"));

  // Let the agent go: its run still ends properly.
  sdk_test::Stubborn::release = true;
  const auto result = running.wait();
  INFO(result.describe());
  CHECK(result.status == "cancelled");
  CHECK(result.terminal_event().type == "agent_death");
  CHECK_THROWS_AS(running.wait(), std::logic_error);
}
