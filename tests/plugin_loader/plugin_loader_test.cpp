#include <catch2/catch.hpp>

#include "loader_test_support.hpp"
#include "registry/plugin_library.hpp"

using namespace agenthost::testing;
using agenthost::plugin_loader::OnError;
using agenthost::registry::AgentClassRegistry;

TEST_CASE("loading the example plugin directory registers approval, assistant, echo and triage") {
  AgentClassRegistry registry;
  const auto report = load(registry, {kPluginDir}, OnError::fail);

  CHECK(report.refused.empty());
  REQUIRE(report.loaded.size() == 4);
  CHECK(report.loaded[0].name == "approval");
  CHECK(report.loaded[0].agents == std::vector<std::string>{"approval"});
  CHECK(report.loaded[1].name == "assistant");
  CHECK(report.loaded[2].name == "echo");
  CHECK(report.loaded[2].version == "1.0.0");
  CHECK(report.loaded[2].file == example_plugin("echo"));
  CHECK(report.loaded[2].agents == std::vector<std::string>{"echo"});
  CHECK(std::string(report.loaded[2].manifest.plugin_name) == "echo");
  CHECK(report.loaded[3].name == "triage");
  CHECK(report.loaded[3].tools == std::vector<std::string>{"triage.keyword_classifier"});
  CHECK(contents(registry) == std::vector<std::string>{"agent:approval", "agent:assistant",
                                                       "agent:echo", "agent:triage",
                                                       "tool:triage.keyword_classifier"});
  CHECK(registry.find_agent("approval")->info.resumable);

  const auto* echo = registry.find_agent("echo");
  REQUIRE(echo != nullptr);
  CHECK(echo->plugin_name == "echo");
  CHECK(echo->plugin_file == example_plugin("echo"));
  CHECK(echo->info.description == "Returns its input unchanged");
  REQUIRE(echo->library != nullptr);
  CHECK(echo->library->name() == "echo");
  CHECK(registry.find_tool("triage.keyword_classifier")->library ==
        registry.find_agent("triage")->library);
  CHECK_FALSE(registry.frozen());  // the caller freezes
}

// Each plugin that fails on purpose, loaded after echo.so: refused with its own
// message, and the registry exactly as echo alone left it.
TEST_CASE("each broken plugin is refused with its own message and changes nothing") {
  struct Case {
    std::string file;
    std::vector<std::string> message_parts;
  };
  const auto c = GENERATE(values<Case>({
      {"bad_abi_major",
       {"abi_major is 99, this host needs 3 (rebuild the plugin against agenthost SDK 3.0)"}},
      {"bad_abi_minor", {"abi_minor is 1, this host needs at most 0", "upgrade agenthost"}},
      {"no_manifest",
       {"does not export agenthost_plugin_manifest: was it built with AGENTHOST_PLUGIN?"}},
      {"no_register", {"does not export agenthost_plugin_register"}},
      {"throwing_register",
       {"its registration function threw: throwing_register fails during registration on "
        "purpose"}},
      {"bad_schema",
       {"tool \"bad_schema.lookup\" has an invalid input_schema: schema pointer "
        "/properties/unit/enum (\"enum\"): expected a non-empty array"}},
      {"clash_echo",
       {"agent \"echo\" of plugin clash_echo (" + test_plugin("clash_echo") + ")",
        "already registered by plugin echo (" + example_plugin("echo") + ")"}},
      {"unresolved_symbol",
       {"cannot be loaded: ", "undefined symbol: agenthost_test_symbol_defined_nowhere"}},
      {"not_a_library", {"cannot be loaded: ", "not_a_library.so: "}},
  }));
  INFO("plugin " << c.file);
  AgentClassRegistry registry;
  load(registry, {example_plugin("echo")}, OnError::fail);
  const auto before = contents(registry);

  const auto report = load(registry, {test_plugin(c.file)}, OnError::skip);

  CHECK(report.loaded.empty());
  REQUIRE(report.refused.size() == 1);
  const auto& refusal = report.refused[0];
  CHECK(refusal.file == test_plugin(c.file));
  INFO(refusal.reason);
  CHECK_THAT(refusal.reason, Catch::StartsWith("plugin " + test_plugin(c.file) + " refused: "));
  for (const auto& part : c.message_parts) CHECK_THAT(refusal.reason, Catch::Contains(part));
  CHECK(refusal.reason.find('\n') == std::string::npos);
  CHECK_THAT(refusal.reason, !Catch::Contains("[generic"));  // the raw dlerror, unwrapped
  CHECK(contents(registry) == before);
  // Hand-built manifests register an agent named after the plugin if ever called.
  CHECK(registry.find_agent(c.file) == nullptr);
  CHECK(registry.find_agent("half_registered") == nullptr);
}

TEST_CASE("a missing plugin path is refused with where it was configured") {
  AgentClassRegistry registry;
  const auto report = load(registry, {"/nonexistent/agenthost/plugin.so"}, OnError::skip);
  REQUIRE(report.refused.size() == 1);
  CHECK(report.refused[0].file == "/nonexistent/agenthost/plugin.so");
  CHECK(report.refused[0].reason ==
        "plugin path /nonexistent/agenthost/plugin.so does not exist (configured at test:0): "
        "fix the path or remove the entry");
}

TEST_CASE("a bad plugin_config for triage refuses the plugin with the plugin's message") {
  AgentClassRegistry registry;
  const auto report = load(registry, {example_plugin("triage")}, OnError::skip,
                           {{"triage", boost::json::value{{"categorys", 1}}}});
  REQUIRE(report.refused.size() == 1);
  CHECK_THAT(report.refused[0].reason,
             Catch::Contains("triage plugin_config: unknown key \"categorys\" (known keys: "
                             "categories, default_category)"));
  CHECK(contents(registry).empty());
}

TEST_CASE("load_plugins refuses a frozen registry") {
  AgentClassRegistry registry;
  registry.freeze();
  CHECK_THROWS_AS(load(registry, {kPluginDir}, OnError::fail), std::logic_error);
}
