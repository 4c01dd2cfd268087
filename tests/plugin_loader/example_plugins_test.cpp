#include <boost/json/parse.hpp>
#include <catch2/catch.hpp>

#include "fake_services.hpp"
#include "loader_test_support.hpp"

using namespace agenthost::testing;
using agenthost::plugin_loader::OnError;
using agenthost::registry::AgentClassRegistry;

namespace {

// The example plugins, loaded as the daemon loads them, and frozen.
struct Examples {
  Examples(std::map<std::string, boost::json::value> config = {}) {
    load(registry, {kPluginDir}, OnError::fail, std::move(config));
    registry.freeze();
  }
  AgentClassRegistry registry;
};

}  // namespace

TEST_CASE("echo returns its input after one thinking event") {
  Examples examples;
  FakeRun run(examples.registry, "echo");
  const auto input = boost::json::parse(R"({"text": "hi", "n": [1, 2]})");
  CHECK(run_agent(examples.registry, run, "echo", input) == input);
  REQUIRE(run.events.events.size() == 1);
  CHECK(run.events.events[0].type == "agent_thinking");
  CHECK(run.events.events[0].payload.at("thought") == "echoing input");
}

TEST_CASE("triage classifies through its tool, with the built-in categories") {
  Examples examples;
  FakeRun run(examples.registry, "triage");
  const auto result = run_agent(examples.registry, run, "triage",
                                {{"text", "I need a refund for a double charge on my invoice"}});
  CHECK(result.at("category") == "billing");
  CHECK(result.at("confidence").as_double() == Approx(0.95));

  REQUIRE(run.events.events.size() == 2);
  CHECK(run.events.events[0].type == "agent_thinking");
  CHECK(run.events.events[1].type == "progress_update");
  CHECK(run.events.events[1].payload.at("progress_percentage").as_double() == 100.0);

  FakeRun unmatched(examples.registry, "triage");
  const auto general = run_agent(examples.registry, unmatched, "triage", {{"text", "hello there"}});
  CHECK(general == boost::json::parse(R"({"category": "general", "confidence": 0.2})"));
}

TEST_CASE("triage uses the categories from its plugin_config") {
  Examples examples(
      {{"triage", boost::json::parse(R"({"categories": {"shipping": ["parcel"]}})")}});
  FakeRun run(examples.registry, "triage");
  const auto result =
      run_agent(examples.registry, run, "triage", {{"text", "Where is my parcel? No invoice."}});
  CHECK(result.at("category") == "shipping");
  CHECK(result.at("confidence").as_double() == Approx(0.65));
}

TEST_CASE("triage refuses input without a string text") {
  Examples examples;
  for (const auto& input : {boost::json::parse(R"({"text": 3})"), boost::json::parse("[]"),
                            boost::json::parse(R"({"txt": "hello"})")}) {
    FakeRun run(examples.registry, "triage");
    CHECK_THROWS_WITH(run_agent(examples.registry, run, "triage", input),
                      Catch::Contains("triage needs an object with a string \"text\""));
    CHECK(run.events.events.empty());
  }
}

TEST_CASE("the triage tool declares its input schema") {
  Examples examples;
  const auto* tool = examples.registry.find_tool("triage.keyword_classifier");
  REQUIRE(tool != nullptr);
  CHECK(boost::json::value(tool->info.input_schema) ==
        boost::json::parse(R"({"type": "object", "properties": {"text": {"type": "string"}},
                               "required": ["text"]})"));
}
