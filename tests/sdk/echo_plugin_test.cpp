// The example plugin echo, built as plugins/echo.so, run by the SDK's harness.

#include <catch2/catch.hpp>

#include <agenthost/testing/harness.hpp>
#include <boost/json/parse.hpp>

#include <string>
#include <vector>

using agenthost::testing::AgentHarness;

namespace {
const std::string kEcho = std::string(AGENTHOST_PLUGIN_DIR) + "/echo.so";
}

TEST_CASE("echo returns its input and says it is echoing") {
  AgentHarness harness;
  harness.load_plugin(kEcho);
  const auto input = boost::json::parse(R"({"text": "hello", "n": [1, 2, 3]})");

  const auto result = harness.run("echo", input);

  INFO(result.describe());
  REQUIRE(result.completed());
  CHECK(result.result == input);
  CHECK(result.event_types() ==
        std::vector<std::string>{"agent_started", "agent_thinking", "agent_completed"});
  CHECK(result.event("agent_thinking").payload.at("thought") == "echoing input");
  CHECK(result.terminal_event().payload.at("result") == input);
  CHECK(result.tool_calls.empty());
}

TEST_CASE("echo's result reaches the user sanitised, while the run's result is intact") {
  AgentHarness harness;
  harness.load_plugin(kEcho);
  const auto input = boost::json::parse(R"({"password": "hunter2"})");

  const auto result = harness.run("echo", input);

  CHECK(result.result == input);
  CHECK(result.terminal_event().payload.at("result").at("password") == "[REDACTED]");
}
