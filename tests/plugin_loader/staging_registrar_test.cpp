#include <catch2/catch.hpp>

#include <stdexcept>

#include "plugin_loader/staging_registrar.hpp"

using agenthost::plugin_loader::StagingRegistrar;
using agenthost::registry::AgentClass;
using agenthost::registry::AgentClassRegistry;

namespace {

class Nop final : public agenthost::Agent {
 public:
  using Agent::Agent;
  boost::json::value run(const boost::json::value&) override { return nullptr; }
};

agenthost::ToolHandler nop_tool() {
  return [](const agenthost::ExecutionContext&, const boost::json::value&) {
    return boost::json::value();
  };
}

}  // namespace

TEST_CASE("staging collects entries stamped with the plugin, and touches no registry") {
  AgentClassRegistry registry;
  const boost::json::value config = {{"key", 1}};
  StagingRegistrar staging(registry, {"mine", "/plugins/mine.so", nullptr}, config);
  agenthost::Registrar& r = staging;
  r.add_agent<Nop>({.name = "a1", .description = "d", .version = "1"});
  r.add_tool({.name = "a1", .description = "tools have their own names", .input_schema = {}},
             nop_tool());

  CHECK(&r.plugin_config() == &config);
  REQUIRE(staging.agents().size() == 1);
  CHECK(staging.agents()[0].plugin_name == "mine");
  CHECK(staging.agents()[0].plugin_file == "/plugins/mine.so");
  REQUIRE(staging.tools().size() == 1);
  CHECK_FALSE(staging.first_error().has_value());
  CHECK(registry.agents().empty());
  CHECK(registry.tools().empty());
}

TEST_CASE("staging refuses bad names, empty factories and names used twice") {
  AgentClassRegistry registry;
  const boost::json::value config;
  StagingRegistrar staging(registry, {"mine", "/plugins/mine.so", nullptr}, config);
  agenthost::Registrar& r = staging;

  CHECK_THROWS_WITH(r.add_agent<Nop>({.name = "Bad", .description = "", .version = ""}),
                    Catch::Contains("agent name \"Bad\" starts with 'B'"));
  CHECK(
      staging.first_error() ==
      std::optional<std::string>("agent name \"Bad\" starts with 'B', names start with [a-z0-9]"));
  CHECK_THROWS_WITH(r.add_agent({.name = "empty", .description = "", .version = ""}, nullptr),
                    Catch::Contains("empty factory"));
  CHECK_THROWS_WITH(r.add_tool({.name = "t", .description = "", .input_schema = {}}, nullptr),
                    Catch::Contains("empty handler"));
  r.add_agent<Nop>({.name = "twice", .description = "", .version = ""});
  CHECK_THROWS_AS(r.add_agent<Nop>({.name = "twice", .description = "", .version = ""}),
                  std::invalid_argument);
  // The first error stays, whatever the plugin does after catching it.
  CHECK_THAT(*staging.first_error(), Catch::StartsWith("agent name \"Bad\""));
  CHECK(staging.agents().size() == 1);
}

TEST_CASE("staging refuses a name another plugin registered, naming both files") {
  AgentClassRegistry registry;
  registry.add_agent(AgentClass{.library = nullptr,
                                .info = {.name = "taken", .description = "", .version = ""},
                                .plugin_name = "first",
                                .plugin_file = "/plugins/first.so",
                                .factory = [](const agenthost::AgentServices& s) {
                                  return std::unique_ptr<agenthost::Agent>(new Nop(s));
                                }});
  const boost::json::value config;
  StagingRegistrar staging(registry, {"second", "/plugins/second.so", nullptr}, config);
  agenthost::Registrar& r = staging;
  CHECK_THROWS_WITH(
      r.add_agent<Nop>({.name = "taken", .description = "", .version = ""}),
      "agent \"taken\" of plugin second (/plugins/second.so) is already registered by plugin "
      "first (/plugins/first.so): agent names are unique across plugins, rename one of them");
  CHECK(staging.agents().empty());
}
