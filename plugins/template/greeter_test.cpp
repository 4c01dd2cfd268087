// greeter's tests: the built greeter.so, run by the SDK's harness exactly as the host
// would run it (same loader, emitter, sanitiser and tool dispatcher).

#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>

#include <agenthost/testing/harness.hpp>
#include <boost/json/parse.hpp>

#include <string>
#include <vector>

using agenthost::testing::AgentHarness;
using Types = std::vector<std::string>;

TEST_CASE("greets every name through its tool and stores the greetings") {
  AgentHarness harness;
  harness.load_plugin(AGENTHOST_PLUGIN_FILE);

  const auto result = harness.run("greeter", {{"names", {"Ada", "Linus"}}});

  INFO(result.describe());
  REQUIRE(result.completed());
  CHECK(result.result == boost::json::parse(R"({"greetings": ["Hello, Ada!", "Hello, Linus!"]})"));
  CHECK(result.event_types() == Types{"agent_started", "progress_update", "tool_executing",
                                      "tool_completed", "progress_update", "tool_executing",
                                      "tool_completed", "agent_completed"});
  CHECK(result.events_of("progress_update")[1].payload.at("current_step") == "greeting 2 of 2");
  REQUIRE(result.calls_to("greeter.compose").size() == 2);
  CHECK(result.tool_calls[0].input == boost::json::parse(R"({"name": "Ada"})"));
  CHECK(result.committed);
  CHECK(harness.database().count_rows("greetings") == 2);
}

TEST_CASE("takes its greeting from the plugin configuration") {
  AgentHarness harness;
  harness.load_plugin(AGENTHOST_PLUGIN_FILE, {{"greeting", "Welcome"}});

  const auto result = harness.run("greeter", {{"names", {"Ada"}}});

  INFO(result.describe());
  CHECK(result.result == boost::json::parse(R"({"greetings": ["Welcome, Ada!"]})"));
}

TEST_CASE("a bad configuration makes the host refuse the plugin") {
  AgentHarness harness;
  CHECK_THROWS_WITH(harness.load_plugin(AGENTHOST_PLUGIN_FILE, {{"greting", "Welcome"}}),
                    Catch::Contains("greeter plugin_config must be"));
}

TEST_CASE("input without names fails the run and writes nothing") {
  AgentHarness harness;
  harness.load_plugin(AGENTHOST_PLUGIN_FILE);

  const auto result = harness.run("greeter", {{"people", {"Ada"}}});

  INFO(result.describe());
  CHECK(result.status == "failed");
  CHECK(result.error_type == "agent_error");
  CHECK_THAT(result.error_message, Catch::Contains("greeter needs"));
  CHECK(result.event_types() == Types{"agent_started", "agent_error"});
  CHECK_FALSE(result.committed);
}

TEST_CASE("stops when cancelled, and its writes are rolled back") {
  AgentHarness harness;
  harness.load_plugin(AGENTHOST_PLUGIN_FILE);
  harness.database().sql() << "CREATE TABLE greetings (user_id TEXT NOT NULL, name TEXT NOT NULL)";
  // The user cancels as soon as the agent reports its first progress.
  harness.cancel_on_event("progress_update");

  const auto result = harness.run("greeter", {{"names", {"Ada", "Linus", "Grace"}}});

  INFO(result.describe());
  CHECK(result.status == "cancelled");
  CHECK(result.terminal_event().type == "agent_death");
  CHECK(result.terminal_event().payload.at("death_cause") == "cancelled");
  CHECK(result.calls_to("greeter.compose").size() == 1);  // it stopped before the second
  CHECK(result.stop_latency.has_value());
  CHECK(harness.database().count_rows("greetings") == 0);
}
