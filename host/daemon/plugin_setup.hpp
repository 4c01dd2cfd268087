#pragma once
/// \file
/// Startup step 2: from the `plugins` section to a frozen AgentClassRegistry.

#include <string>

#include "config/host_config.hpp"
#include "plugin_loader/plugin_loader.hpp"
#include "registry/agent_class_registry.hpp"

namespace agenthost::daemon {

/// The loader's view of the `plugins` section.
plugin_loader::LoaderOptions loader_options(const config::PluginsSettings& settings);

/// Loads every configured plugin into `registry` and freezes it. Throws
/// plugin_loader::PluginLoadError under on_error: fail; under skip, returns the
/// refusals in the report (the caller logs them).
plugin_loader::LoadReport load_and_freeze(const config::PluginsSettings& settings,
                                          registry::AgentClassRegistry& registry);

/// What --check-config and the startup log print: plugins, agents and tools.
std::string describe(const plugin_loader::LoadReport& report,
                     const registry::AgentClassRegistry& registry);

}  // namespace agenthost::daemon
