// The harness's ScriptedModels with agents written in the test: what a chat request
// sends (model, temperature, max_tokens, response_format, a named endpoint), and the
// errors an agent sees.

#include <catch2/catch.hpp>

#include <agenthost/testing/harness.hpp>

#include <string>

using agenthost::ChatRequest;
using agenthost::ModelError;
using agenthost::testing::AgentHarness;

namespace {

// Asks endpoint "fast" for a JSON answer; returns the text and the error kind, if any.
class JsonAsker final : public agenthost::Agent {
 public:
  using Agent::Agent;
  boost::json::value run(const boost::json::value& input) override {
    ChatRequest request;
    request.endpoint = std::string(input.at("endpoint").as_string());
    request.messages = {agenthost::chat_message("user", "Give me a number as JSON")};
    request.temperature = 0.25;
    request.max_tokens = 64;
    request.response_format = {
        {"type", "json_schema"},
        {"json_schema",
         {{"name", "number"},
          {"schema", {{"type", "object"}, {"properties", {{"n", {{"type", "integer"}}}}}}}}}};
    request.stream_to_user = false;
    try {
      const auto answer = models().chat(request);
      return {{"text", answer.text}, {"calls", answer.model_calls}};
    } catch (const ModelError& e) {
      return {{"error", static_cast<int>(e.kind())}, {"message", e.what()}};
    }
  }
};

}  // namespace

TEST_CASE("a chat request carries the model, options and response format of the agent",
          "[models]") {
  AgentHarness harness;
  harness.add_agent<JsonAsker>("json_asker");
  harness.models().endpoint("fast", "small-model").reply(R"({"n": 7})");

  const auto result = harness.run("json_asker", {{"endpoint", "fast"}});

  INFO(result.describe());
  REQUIRE(result.completed());
  CHECK(result.result.at("text") == R"({"n": 7})");
  // stream_to_user = false: no deltas, only the closing model_completed.
  CHECK(result.events_of("model_delta").empty());
  CHECK(result.event("model_completed").payload.at("model") == "small-model");
  const auto body = harness.models().requests().at(0);
  CHECK(body.at("model") == "small-model");
  CHECK(body.at("temperature").as_double() == 0.25);
  CHECK(body.at("max_tokens") == 64);
  CHECK(body.at("response_format").at("type") == "json_schema");
  CHECK(body.at("stream_options").at("include_usage") == true);
  CHECK(body.if_contains("tools") == nullptr);
}

TEST_CASE("an endpoint the host does not configure is ModelError not_configured", "[models]") {
  AgentHarness harness;
  harness.add_agent<JsonAsker>("json_asker");
  harness.models().endpoint("default");

  const auto result = harness.run("json_asker", {{"endpoint", "elsewhere"}});

  REQUIRE(result.completed());
  CHECK(result.result.at("error") == static_cast<int>(ModelError::Kind::not_configured));
  CHECK_THAT(std::string(result.result.at("message").as_string()),
             Catch::Contains("models.elsewhere"));
  CHECK(harness.models().requests().empty());
}

TEST_CASE("agents cannot emit the model's event types themselves", "[models]") {
  CHECK(agenthost::is_host_event_type("model_delta"));
  CHECK(agenthost::is_host_event_type("model_completed"));
}
