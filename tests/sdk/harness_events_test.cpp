// The harness's events are the host emitter's: sanitised, numbered, typed, ended.

#include <catch2/catch.hpp>

#include <agenthost/testing/harness.hpp>

#include <limits>
#include <string>
#include <vector>

#include "events/host_events.hpp"
#include "events/sanitizer.hpp"
#include "sdk_test_agents.hpp"

using agenthost::testing::AgentHarness;
using agenthost::testing::RecordingEmitter;
using agenthost::testing::TestContextBuilder;
using Types = std::vector<std::string>;

namespace {

boost::json::object noisy_payload() {
  boost::json::array long_list;
  for (int i = 0; i < 25; ++i) long_list.push_back(i);
  return {{"api_key", "sk-live-123"},
          {"tokens_used", 12},
          {"note", std::string(3000, 'x')},
          {"items", long_list},
          {"_internal", "dropped"},
          {"error_message", "open failed: /srv/agenthost/data/secret.db password=hunter2"}};
}

}  // namespace

TEST_CASE("events are the host's: sanitised payloads, seq from 1, host events around") {
  AgentHarness harness;
  harness.add_agent<sdk_test::Emitter>("emitter");

  const auto result = harness.run("emitter", {{"payload", noisy_payload()}});

  INFO(result.describe());
  REQUIRE(result.event_types() == Types{"agent_started", "custom.step", "agent_completed"});
  for (std::size_t i = 0; i < result.events.size(); ++i) CHECK(result.events[i].seq == i + 1);
  const auto& payload = result.event("custom.step").payload;
  // Exactly what the host's sanitiser makes of it, and visibly cleaned.
  CHECK(payload == agenthost::events::sanitize_payload(noisy_payload()));
  CHECK(payload.at("api_key") == "[REDACTED]");
  CHECK(payload.at("tokens_used") == 12);
  CHECK_FALSE(payload.contains("_internal"));
  CHECK(payload.at("items").as_array().size() == 11);
  CHECK(payload.at("error_message") == "open failed: <path>/secret.db password=[REDACTED]");
}

TEST_CASE("host events have the host's payloads") {
  AgentHarness harness;
  harness.add_agent<sdk_test::Parrot>("parrot");
  harness.context().metadata("source", "test");

  const auto result = harness.run("parrot", {{"say", "hi"}});

  INFO(result.describe());
  CHECK(result.event("agent_started").payload ==
        agenthost::events::started_payload({{"source", "test"}}));
  CHECK(result.event("agent_thinking").payload.at("thought") == "repeating");
  CHECK(result.terminal_event().payload ==
        agenthost::events::completed_payload(boost::json::object{{"say", "hi"}}));
}

TEST_CASE("the emitter refuses host-reserved and malformed types, as the host does") {
  const auto context = TestContextBuilder().build();
  RecordingEmitter events(context);
  CHECK_THROWS_AS(events.emit("agent_completed", {}), std::invalid_argument);
  CHECK_THROWS_AS(events.emit("tool_executing", {}), std::invalid_argument);
  CHECK_THROWS_AS(events.emit("Not A Type", {}), std::invalid_argument);
  events.emit("my_plugin.step", {{"n", 1}});
  CHECK(events.types() == Types{"my_plugin.step"});
}

TEST_CASE("a recording emitter can be used alone, and ends with its run") {
  const auto context = TestContextBuilder().build();
  RecordingEmitter events(context);
  events.thinking("first", 1);
  events.progress(150, "clamped");
  events.emit_terminal("agent_completed", agenthost::events::completed_payload(nullptr));
  CHECK_THROWS_AS(events.emit("late", {}), agenthost::RunEnded);
  const auto recorded = events.events();
  REQUIRE(recorded.size() == 3);
  CHECK(recorded[1].payload.at("progress_percentage") == 100.0);
  CHECK(recorded[2].seq == 3);
  CHECK(events.closed());
}

TEST_CASE("services kept beyond run() throw RunEnded") {
  AgentHarness harness;
  harness.add_agent<sdk_test::Leaker>("leaker");
  auto running = harness.start("leaker");
  const auto result = running.wait();
  REQUIRE(result.completed());
  // The run's objects still exist (the RunningAgent holds them); the run is over.
  CHECK_THROWS_AS(sdk_test::Leaked::events.load()->emit("late", {}), agenthost::RunEnded);
  CHECK_THROWS_AS(sdk_test::Leaked::db.load()->sql(), agenthost::RunEnded);
  CHECK_THROWS_AS(sdk_test::Leaked::tools.load()->call("any", nullptr), agenthost::RunEnded);
}

TEST_CASE("NaN and infinities, which JSON cannot carry, are refused naming where they are") {
  AgentHarness harness;
  harness.add_agent<sdk_test::Parrot>("parrot");
  harness.add_agent<sdk_test::Emitter>("emitter");
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const double inf = std::numeric_limits<double>::infinity();

  // A result: the run fails as if the agent had thrown.
  const auto result = harness.run("parrot", {{"scores", {1.0, -inf}}});
  INFO(result.describe());
  CHECK(result.status == "failed");
  CHECK(result.error_type == "agent_error");
  CHECK_THAT(result.error_message,
             Catch::Contains("returned a result whose result.scores[1] is NaN or an infinity"));

  // An event: emit throws std::invalid_argument, here out of run().
  const auto emitted = harness.run("emitter", {{"payload", {{"a", {{"b", nan}}}}}});
  INFO(emitted.describe());
  CHECK(emitted.status == "failed");
  CHECK_THAT(emitted.error_message,
             Catch::Contains("event \"custom.step\": payload.a.b is NaN or an infinity"));

  // Finite extremes pass untouched.
  const auto fine = harness.run("parrot", {{"x", {5e-324, -0.0, 1.7976931348623157e308}}});
  CHECK(fine.completed());
}
