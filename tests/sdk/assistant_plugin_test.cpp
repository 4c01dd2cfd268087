// The example plugin assistant (plugins/assistant.so) in the SDK's harness, its
// model answering from ScriptedModels: streamed model_delta events, the tools loop
// with tools of two other plugins, and the failure when no endpoint is configured.

#include <catch2/catch.hpp>

#include <agenthost/testing/harness.hpp>
#include <boost/json/parse.hpp>

#include <string>
#include <vector>

using agenthost::ModelError;
using agenthost::testing::AgentHarness;

namespace {

const std::string kAssistant = std::string(AGENTHOST_PLUGIN_DIR) + "/assistant.so";
const std::string kTriage = std::string(AGENTHOST_PLUGIN_DIR) + "/triage.so";
const std::string kTestAgents = std::string(AGENTHOST_TEST_PLUGIN_DIR) + "/testagents.so";

std::string streamed_text(const agenthost::testing::RunResult& result) {
  std::string text;
  for (const auto& e : result.events_of("model_delta"))
    text += std::string(e.payload.at("text").as_string());
  return text;
}

}  // namespace

TEST_CASE("assistant streams its answer and returns it whole", "[models]") {
  AgentHarness harness;
  harness.load_plugin(kAssistant);
  const std::string answer = "Rayleigh scattering makes the sky look blue.";
  harness.models().endpoint("default", "gpt-test").reply(answer, 5);

  const auto result = harness.run("assistant", {{"text", "Why is the sky blue?"}});

  INFO(result.describe());
  REQUIRE(result.completed());
  CHECK(result.result.at("text").as_string() == answer);
  CHECK(streamed_text(result) == answer);
  const auto& completed = result.event("model_completed").payload;
  CHECK(completed.at("finish_reason") == "stop");
  CHECK(completed.at("endpoint") == "default");
  CHECK(completed.at("usage").at("estimated") == true);  // the script reported none
  CHECK(completed.at("usage").at("completion_tokens").to_number<int>() > 0);
  const auto request = harness.models().requests().at(0);
  CHECK(request.at("model") == "gpt-test");
  CHECK(request.at("stream") == true);
  const auto& messages = request.at("messages").as_array();
  REQUIRE(messages.size() == 2);
  CHECK(messages[1].at("content") == "Why is the sky blue?");
}

TEST_CASE("assistant's tools loop calls tools of two plugins through the run's dispatcher",
          "[models]") {
  AgentHarness harness;
  harness.load_plugin(kAssistant).load_plugin(kTriage).load_plugin(kTestAgents);
  harness.models()
      .endpoint("default")
      .usage(40, 10)
      .reply_tool_calls({{"triage.keyword_classifier", {{"text", "my invoice is wrong"}}},
                         {"testagents.record", {{"note", "seen"}}}})
      .reply("It is a billing question.");

  const auto result = harness.run("assistant", {{"text", "Classify: my invoice is wrong"}});

  INFO(result.describe());
  REQUIRE(result.completed());
  CHECK(result.result.at("text") == "It is a billing question.");
  CHECK(result.calls_to("triage.keyword_classifier").size() == 1);
  CHECK(result.calls_to("testagents.record").size() == 1);
  CHECK(result.events_of("tool_executing").size() == 2);
  CHECK(result.events_of("tool_completed").size() == 2);
  const auto& completed = result.event("model_completed").payload;
  CHECK(completed.at("model_calls") == 2);
  CHECK(completed.at("usage").at("prompt_tokens") == 80);
  CHECK(completed.at("usage").at("estimated") == false);

  const auto requests = harness.models().requests();
  REQUIRE(requests.size() == 2);
  // Every registered tool was offered, as an OpenAI function ('.' is not allowed there).
  std::vector<std::string> offered;
  for (const auto& tool : requests[0].at("tools").as_array())
    offered.emplace_back(tool.at("function").at("name").as_string());
  CHECK(std::find(offered.begin(), offered.end(), "triage_keyword_classifier") != offered.end());
  CHECK(std::find(offered.begin(), offered.end(), "testagents_record") != offered.end());
  // The second request carries the assistant's calls and both tools' results.
  const auto& messages = requests[1].at("messages").as_array();
  REQUIRE(messages.size() == 5);
  CHECK(messages[2].at("tool_calls").as_array().size() == 2);
  CHECK(messages[3].at("role") == "tool");
  CHECK(messages[3].at("tool_call_id") == "call_0");
  CHECK(std::string(messages[4].at("content").as_string()).find("seen") != std::string::npos);
}

TEST_CASE("a failing tool's message goes back to the model, the run goes on", "[models]") {
  AgentHarness harness;
  harness.load_plugin(kAssistant).load_plugin(kTestAgents);
  harness.models()
      .endpoint("default")
      .reply_tool_call("testagents.forecast", {{"unit", "kelvin"}})  // not in its schema
      .reply("Sorry, I could not get the forecast.");

  const auto result = harness.run("assistant", {{"text", "Forecast?"}});

  INFO(result.describe());
  REQUIRE(result.completed());
  const auto tool_message = harness.models().requests().at(1).at("messages").as_array().back();
  CHECK(std::string(tool_message.at("content").as_string()).find("error") != std::string::npos);
}

TEST_CASE("assistant without a configured endpoint fails saying what to configure", "[models]") {
  AgentHarness harness;
  harness.load_plugin(kAssistant);

  const auto result = harness.run("assistant", {{"text", "Hello?"}});

  REQUIRE(result.status == "failed");
  CHECK_THAT(result.error_message,
             Catch::Contains("models.default") && Catch::Contains("base_url"));
}

TEST_CASE("a model failure reaches the agent as ModelError and the user as agent_error",
          "[models]") {
  AgentHarness harness;
  harness.load_plugin(kAssistant);
  harness.models().endpoint("default").fail(ModelError::Kind::upstream,
                                            "model endpoint \"default\" answered 503");

  const auto result = harness.run("assistant", {{"text", "Hello?"}});

  REQUIRE(result.status == "failed");
  CHECK_THAT(result.error_message, Catch::Contains("503"));
}

TEST_CASE("the tools loop stops at max_steps", "[models]") {
  AgentHarness harness;
  harness.load_plugin(kAssistant).load_plugin(kTestAgents);
  auto& models = harness.models().endpoint("default");
  for (int i = 0; i < 8; ++i) models.reply_tool_call("testagents.record", {{"i", i}});

  const auto result = harness.run("assistant", {{"text", "loop"}});

  REQUIRE(result.status == "failed");
  CHECK_THAT(result.error_message, Catch::Contains("max_steps"));
  CHECK(result.calls_to("testagents.record").size() == 8);
}
