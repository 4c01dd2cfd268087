// Tool calls go through the host's dispatcher and are recorded.

#include <catch2/catch.hpp>

#include <agenthost/testing/harness.hpp>

#include <stdexcept>
#include <string>
#include <vector>

#include "events/host_events.hpp"
#include "sdk_test_agents.hpp"

using agenthost::testing::AgentHarness;
using Types = std::vector<std::string>;

namespace {

void add_tools(AgentHarness& harness) {
  harness.add_agent<sdk_test::ToolUser>("tool_user");
  harness.add_tool({.name = "math.double",
                    .description = "Doubles n",
                    .input_schema = {{"type", "object"},
                                     {"properties", {{"n", {{"type", "integer"}}}}},
                                     {"required", {"n"}}}},
                   [](const agenthost::ExecutionContext& context, const boost::json::value& in) {
                     return boost::json::value{{"doubled", 2 * in.at("n").as_int64()},
                                               {"for_run", context.run_id()}};
                   });
  harness.add_tool(
      {.name = "math.broken", .description = "Always throws", .input_schema = {}},
      [](const agenthost::ExecutionContext&, const boost::json::value&) -> boost::json::value {
        throw std::domain_error("division by zero");
      });
}

}  // namespace

TEST_CASE("a tool call is announced with the host's events and recorded") {
  AgentHarness harness;
  add_tools(harness);

  const auto result = harness.run("tool_user", {{"tool", "math.double"}, {"input", {{"n", 21}}}});

  INFO(result.describe());
  REQUIRE(result.completed());
  CHECK(result.result == boost::json::value{{"doubled", 42}, {"for_run", result.run_id}});
  CHECK(result.event_types() ==
        Types{"agent_started", "tool_executing", "tool_completed", "agent_completed"});
  CHECK(result.event("tool_executing").payload ==
        agenthost::events::tool_executing_payload("math.double", {{"n", 21}}));
  CHECK(result.event("tool_completed").payload ==
        agenthost::events::tool_completed_payload("math.double", true, result.result));
  REQUIRE(result.tool_calls.size() == 1);
  CHECK(result.tool_calls[0].name == "math.double");
  CHECK(result.tool_calls[0].input == boost::json::value{{"n", 21}});
  CHECK(result.tool_calls[0].success);
  CHECK(result.tool_calls[0].output == result.result);
}

TEST_CASE("input that does not fit the schema is refused before the tool runs") {
  AgentHarness harness;
  add_tools(harness);

  const auto result =
      harness.run("tool_user", {{"tool", "math.double"}, {"input", {{"n", "twenty"}}}});

  INFO(result.describe());
  CHECK_THAT(std::string(result.result.at("tool_error").as_string()),
             Catch::Contains("input does not match its input_schema: at /n (type)"));
  CHECK(result.event_types() == Types{"agent_started", "agent_completed"});
  REQUIRE(result.tool_calls.size() == 1);
  CHECK_FALSE(result.tool_calls[0].success);
  CHECK_THAT(result.tool_calls[0].error, Catch::Contains("at /n (type)"));
}

TEST_CASE("an unknown tool is a ToolError") {
  AgentHarness harness;
  add_tools(harness);
  const auto result = harness.run("tool_user", {{"tool", "math.triple"}, {"input", nullptr}});
  CHECK_THAT(std::string(result.result.at("tool_error").as_string()),
             Catch::StartsWith("unknown tool \"math.triple\""));
}

TEST_CASE("a throwing tool reports its failure to the user and the agent") {
  AgentHarness harness;
  add_tools(harness);

  const auto result = harness.run("tool_user", {{"tool", "math.broken"}, {"input", nullptr}});

  INFO(result.describe());
  CHECK(result.result.at("tool_error") == "tool \"math.broken\" failed: division by zero");
  const auto& completed = result.event("tool_completed").payload;
  CHECK(completed.at("success") == false);
  CHECK(completed.at("result_summary").at("error_message") == "division by zero");
  REQUIRE(result.tool_calls.size() == 1);
  CHECK(result.tool_calls[0].error == "tool \"math.broken\" failed: division by zero");
}
