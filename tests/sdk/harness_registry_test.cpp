// What a harness can run is registered by the host's loader and staging registrar.

#include <catch2/catch.hpp>

#include <agenthost/sdk_version.hpp>
#include <agenthost/testing/harness.hpp>

#include <string>
#include <vector>

#include "sdk_test_agents.hpp"

using agenthost::testing::AgentHarness;
using agenthost::testing::PluginRefused;
using agenthost::testing::TestRegistry;

namespace {

const std::string kTestPlugins = AGENTHOST_TEST_PLUGIN_DIR;

void register_parrot(agenthost::Registrar& registrar) {
  registrar.add_agent<sdk_test::Parrot>({.name = "parrot", .description = "", .version = "1"});
}

}  // namespace

TEST_CASE("a plugin .so is loaded through its AGENTHOST_PLUGIN entry points") {
  TestRegistry registry;
  const auto plugin = registry.load_plugin(kTestPlugins + "/testagents.so");
  CHECK(plugin.name == "testagents");
  CHECK(plugin.version == "1.0.0");
  CHECK(plugin.manifest.abi_major == agenthost::kSdkAbiMajor);
  CHECK(plugin.agents == std::vector<std::string>{"sleepy", "durable", "failing", "throwing_ctor",
                                                  "throwing_dtor", "chatty", "dbwriter",
                                                  "toolcaller"});
  CHECK(plugin.tools == std::vector<std::string>{"testagents.record", "testagents.forecast"});
  CHECK(registry.tool_names() ==
        std::vector<std::string>{"testagents.forecast", "testagents.record"});
}

TEST_CASE("a plugin the host would refuse is refused with the host's message") {
  TestRegistry registry;
  const auto file = kTestPlugins + "/bad_abi_major.so";
  CHECK_THROWS_WITH(registry.load_plugin(file),
                    "plugin " + file + " refused: abi_major is 99, this host needs " +
                        std::to_string(agenthost::kSdkAbiMajor) + " (rebuild the plugin against " +
                        "agenthost SDK " + std::to_string(agenthost::kSdkAbiMajor) + "." +
                        std::to_string(agenthost::kSdkAbiMinor) + ")");
  CHECK_THROWS_AS(registry.load_plugin(kTestPlugins + "/no_such_plugin.so"), PluginRefused);
  CHECK_THROWS_WITH(registry.load_plugin(kTestPlugins + "/throwing_register.so"),
                    Catch::Contains("its registration function threw"));
  CHECK(registry.agent_names().empty());
}

TEST_CASE("a registration function linked into the test registers like a plugin's") {
  AgentHarness harness;
  harness.register_plugin("parrots", register_parrot);
  const auto result = harness.run("parrot", "hello");
  CHECK(result.result == "hello");
}

TEST_CASE("registration follows the host's rules") {
  TestRegistry registry;
  CHECK_THROWS_WITH(registry.add_agent<sdk_test::Parrot>("Parrot!"),
                    Catch::Contains("agent name \"Parrot!\""));
  registry.register_plugin("parrots", register_parrot);
  CHECK_THROWS_WITH(registry.register_plugin("more_parrots", register_parrot),
                    Catch::Contains("is already registered by plugin parrots"));
  CHECK_THROWS_WITH(
      registry.register_plugin(
          "broken", [](agenthost::Registrar&) { throw std::runtime_error("no config"); }),
      Catch::Contains("its registration function threw: no config"));
  CHECK(registry.agent_names() == std::vector<std::string>{"parrot"});
}

TEST_CASE("registration ends with the first run - unknown agents are named") {
  AgentHarness harness;
  harness.add_agent<sdk_test::Parrot>("parrot");
  CHECK_THROWS_WITH(harness.run("parot"), Catch::Contains("no agent named \"parot\" is registered "
                                                          "(registered: parrot)"));
  CHECK_THROWS_AS(harness.add_agent<sdk_test::Ticker>("ticker"), std::logic_error);
}

TEST_CASE("an agent whose constructor throws fails the run with agent_error alone") {
  AgentHarness harness;
  harness.load_plugin(kTestPlugins + "/testagents.so");
  const auto result = harness.run("throwing_ctor");
  INFO(result.describe());
  CHECK(result.status == "failed");
  CHECK(result.event_types() == std::vector<std::string>{"agent_error"});
  CHECK(result.error_message ==
        "the constructor of agent \"throwing_ctor\" threw: throwing_ctor fails in its "
        "constructor on purpose");
}
