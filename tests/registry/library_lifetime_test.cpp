#include <dlfcn.h>
#include <catch2/catch.hpp>

#include <optional>

#include "agenthost/plugin.hpp"
#include "plugin_loader/plugin_loader.hpp"
#include "registry/agent_class_registry.hpp"
#include "registry/plugin_library.hpp"

using agenthost::registry::AgentClass;
using agenthost::registry::AgentClassRegistry;

namespace {

const std::string kEcho = AGENTHOST_PLUGIN_DIR "/echo.so";

// Whether `path` is mapped in this process, without loading it.
bool is_loaded(const std::string& path) {
  void* handle = dlopen(path.c_str(), RTLD_NOW | RTLD_NOLOAD);
  if (handle) dlclose(handle);  // NOLOAD still took a reference
  return handle != nullptr;
}

void load_echo(AgentClassRegistry& registry) {
  agenthost::plugin_loader::LoaderOptions options;
  options.sources.push_back({kEcho, "test"});
  agenthost::plugin_loader::load_plugins(options, registry);
  registry.freeze();
}

}  // namespace

// The entry's factory lives in echo.so. If an AgentClass released its library
// before destroying its factory, the last reset() below would call into unmapped
// code and crash; the final check proves the library really unloads then, so the
// test would catch it.
TEST_CASE("an entry keeps its library loaded, and is destroyed before it") {
  REQUIRE_FALSE(is_loaded(kEcho));
  std::optional<AgentClass> kept;
  {
    AgentClassRegistry registry;
    load_echo(registry);
    CHECK(is_loaded(kEcho));
    kept.emplace(*registry.find_agent("echo"));
  }
  CHECK(is_loaded(kEcho));  // the registry is gone; the copy still holds the library
  REQUIRE(kept->factory);
  kept.reset();
  CHECK_FALSE(is_loaded(kEcho));
}

TEST_CASE("a library reference alone (as an agent instance holds) keeps the file loaded") {
  REQUIRE_FALSE(is_loaded(kEcho));
  std::shared_ptr<const agenthost::registry::PluginLibrary> library;
  {
    AgentClassRegistry registry;
    load_echo(registry);
    library = registry.find_agent("echo")->library;
  }
  CHECK(is_loaded(kEcho));
  CHECK(library->file() == kEcho);
  CHECK(library->library().has(agenthost::kManifestSymbol));
  library.reset();
  CHECK_FALSE(is_loaded(kEcho));
}

TEST_CASE("a refused plugin is unloaded again") {
  const std::string clash = AGENTHOST_TEST_PLUGIN_DIR "/clash_echo.so";
  AgentClassRegistry registry;
  load_echo(registry);
  REQUIRE_FALSE(is_loaded(clash));
  agenthost::plugin_loader::LoaderOptions options;
  AgentClassRegistry second;
  second.add_agent(AgentClass(*registry.find_agent("echo")));
  options.sources.push_back({clash, "test"});
  options.on_error = agenthost::plugin_loader::OnError::skip;
  const auto report = agenthost::plugin_loader::load_plugins(options, second);
  CHECK(report.refused.size() == 1);
  CHECK_FALSE(is_loaded(clash));
}
