#pragma once
// Paths of the built plugins and small helpers shared by the loader tests.

#include <string>
#include <vector>

#include "plugin_loader/plugin_loader.hpp"
#include "registry/agent_class_registry.hpp"

namespace agenthost::testing {

inline const std::string kPluginDir = AGENTHOST_PLUGIN_DIR;
inline const std::string kTestPluginDir = AGENTHOST_TEST_PLUGIN_DIR;
inline std::string example_plugin(const std::string& name) {
  return kPluginDir + "/" + name + ".so";
}
inline std::string test_plugin(const std::string& name) {
  return kTestPluginDir + "/" + name + ".so";
}

/// Loads `paths` (each with where = "test:<index>") under `on_error`.
inline plugin_loader::LoadReport load(registry::AgentClassRegistry& registry,
                                      const std::vector<std::string>& paths,
                                      plugin_loader::OnError on_error,
                                      std::map<std::string, boost::json::value> config = {}) {
  plugin_loader::LoaderOptions options;
  for (std::size_t i = 0; i < paths.size(); ++i)
    options.sources.push_back({paths[i], "test:" + std::to_string(i)});
  options.on_error = on_error;
  options.plugin_config = std::move(config);
  return plugin_loader::load_plugins(options, registry);
}

/// What the registry holds, as "agent:name" and "tool:name" lines, in listing order.
inline std::vector<std::string> contents(const registry::AgentClassRegistry& registry) {
  std::vector<std::string> out;
  for (const auto* a : registry.agents()) out.push_back("agent:" + a->info.name);
  for (const auto* t : registry.tools()) out.push_back("tool:" + t->info.name);
  return out;
}

}  // namespace agenthost::testing
