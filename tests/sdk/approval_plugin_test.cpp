// The example plugin approval, built as plugins/approval.so, run by the SDK's
// harness: it asks {"approve": boolean} with a prompt that repeats its input, and
// completes with {"approved": <the answer>}; a resumed run honours its checkpoint.
#include <catch2/catch.hpp>

#include <agenthost/testing/harness.hpp>
#include <boost/json/parse.hpp>

#include <string>
#include <vector>

using agenthost::testing::AgentHarness;

namespace {
const std::string kApproval = std::string(AGENTHOST_PLUGIN_DIR) + "/approval.so";
const auto kInput = boost::json::parse(R"({"refund": 42, "to": "ada"})");
}  // namespace

TEST_CASE("approval asks with a prompt that repeats its input and returns the answer") {
  const bool approve = GENERATE(true, false);
  AgentHarness harness;
  harness.load_plugin(kApproval);
  harness.answer({{"approve", approve}});

  const auto result = harness.run("approval", kInput);

  INFO(result.describe());
  REQUIRE(result.completed());
  CHECK(result.result == boost::json::value{{"approved", approve}});
  CHECK(result.event_types() == std::vector<std::string>{"agent_started", "input_required",
                                                         "input_received", "agent_completed"});
  const auto& asked = result.event("input_required").payload;
  CHECK_THAT(std::string(asked.at("prompt").as_string()),
             Catch::Contains(R"({"refund":42,"to":"ada"})"));
  CHECK(asked.at("schema").at("properties").at("approve").at("type") == "boolean");
  CHECK(asked.at("schema").at("required") == boost::json::array{"approve"});
  CHECK(result.event("input_received").payload.at("input") ==
        boost::json::value{{"approve", approve}});
  // Once answered it checkpoints, so a restart from there does not ask again.
  CHECK(result.checkpoints == std::vector<boost::json::value>{{{"approved", approve}}});
}

TEST_CASE("approval resumed after its user answered does not ask again") {
  AgentHarness harness;
  harness.load_plugin(kApproval);
  harness.resume_from({{"approved", true}});
  const auto result = harness.run("approval", kInput);
  REQUIRE(result.completed());
  CHECK(result.result == boost::json::value{{"approved", true}});
  CHECK(result.event_types() == std::vector<std::string>{"agent_started", "agent_completed"});
}

TEST_CASE("approval waits for its answer, and a cancel while it waits ends the run") {
  AgentHarness harness;
  harness.load_plugin(kApproval);
  SECTION("answered while waiting") {
    auto running = harness.start("approval", kInput);
    REQUIRE(running.wait_for_event("input_required"));
    running.answer({{"approve", true}});
    const auto result = running.wait();
    REQUIRE(result.completed());
    CHECK(result.result == boost::json::value{{"approved", true}});
  }
  SECTION("cancelled while waiting") {
    auto running = harness.start("approval", kInput);
    REQUIRE(running.wait_for_event("input_required"));
    running.request_stop();
    const auto result = running.wait();
    CHECK(result.status == "cancelled");
    CHECK(result.event_types() ==
          std::vector<std::string>{"agent_started", "input_required", "agent_death"});
  }
}

TEST_CASE("the harness refuses an answer that does not fit the question's schema") {
  AgentHarness harness;
  harness.load_plugin(kApproval);
  harness.answer({{"approve", "yes"}});
  const auto result = harness.run("approval", kInput);
  CHECK(result.status == "failed");
  CHECK_THAT(result.error_message, Catch::Contains("/approve"));
}
