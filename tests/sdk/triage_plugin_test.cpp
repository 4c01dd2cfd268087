// The example plugin triage, built as plugins/triage.so, run by the SDK's harness.

#include <catch2/catch.hpp>

#include <agenthost/testing/harness.hpp>
#include <boost/json/parse.hpp>

#include <string>
#include <vector>

using agenthost::testing::AgentHarness;
using agenthost::testing::PluginRefused;
using Types = std::vector<std::string>;

namespace {
const std::string kTriage = std::string(AGENTHOST_PLUGIN_DIR) + "/triage.so";
constexpr const char* kTool = "triage.keyword_classifier";
}  // namespace

TEST_CASE("triage classifies a request through its own tool") {
  AgentHarness harness;
  harness.load_plugin(kTriage);

  const auto result = harness.run("triage", {{"text", "I was charged twice, please refund"}});

  INFO(result.describe());
  REQUIRE(result.completed());
  CHECK(result.result.at("category") == "billing");
  CHECK(result.result.at("confidence").as_double() > 0.5);
  CHECK(result.event_types() == Types{"agent_started", "agent_thinking", "tool_executing",
                                      "tool_completed", "progress_update", "agent_completed"});
  REQUIRE(result.calls_to(kTool).size() == 1);
  const auto& call = result.tool_calls[0];
  CHECK(call.input == boost::json::value{{"text", "I was charged twice, please refund"}});
  CHECK(call.output.at("matched") == boost::json::array{"refund", "charge"});
  CHECK(result.event("progress_update").payload.at("progress_percentage") == 100.0);
}

TEST_CASE("triage falls back to the default category at low confidence") {
  AgentHarness harness;
  harness.load_plugin(kTriage);
  const auto result = harness.run("triage", {{"text", "hello there"}});
  CHECK(result.result == boost::json::parse(R"({"category": "general", "confidence": 0.2})"));
}

TEST_CASE("triage takes its categories from its plugin configuration") {
  AgentHarness harness;
  harness.load_plugin(kTriage, boost::json::parse(R"({"categories": {"weather": ["rain"]},
                                                      "default_category": "other"})"));
  CHECK(harness.run("triage", {{"text", "Rain again"}}).result.at("category") == "weather");
  CHECK(harness.run("triage", {{"text", "invoice"}}).result.at("category") == "other");
}

TEST_CASE("a bad triage configuration is refused when the plugin loads") {
  AgentHarness harness;
  CHECK_THROWS_WITH(harness.load_plugin(kTriage, {{"categorys", nullptr}}),
                    Catch::Contains("triage plugin_config: unknown key \"categorys\""));
}

TEST_CASE("triage without text fails the run, naming the input it needs") {
  AgentHarness harness;
  harness.load_plugin(kTriage);

  const auto result = harness.run("triage", {{"body", "refund"}});

  INFO(result.describe());
  CHECK(result.status == "failed");
  CHECK_THAT(result.error_message,
             Catch::Contains("triage needs an object with a string \"text\""));
  CHECK(result.tool_calls.empty());
}

TEST_CASE("triage stops when cancelled during its tool call, and nothing is committed") {
  AgentHarness harness;
  harness.load_plugin(kTriage);
  harness.cancel_on_event("tool_completed");

  const auto result = harness.run("triage", {{"text", "refund"}});

  INFO(result.describe());
  CHECK(result.status == "cancelled");
  CHECK(result.terminal_event().payload.at("death_cause") == "cancelled");
  CHECK_FALSE(result.committed);
}
