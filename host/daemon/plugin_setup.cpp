#include "daemon/plugin_setup.hpp"

#include <fmt/format.h>

namespace agenthost::daemon {

plugin_loader::LoaderOptions loader_options(const config::PluginsSettings& settings) {
  plugin_loader::LoaderOptions options;
  for (const auto& p : settings.paths) options.sources.push_back({p.path, p.where});
  options.on_error = settings.on_error == config::OnPluginError::skip
                         ? plugin_loader::OnError::skip
                         : plugin_loader::OnError::fail;
  options.plugin_config = settings.config;
  return options;
}

plugin_loader::LoadReport load_and_freeze(const config::PluginsSettings& settings,
                                          registry::AgentClassRegistry& registry) {
  auto report = plugin_loader::load_plugins(loader_options(settings), registry);
  registry.freeze();
  return report;
}

std::string describe(const plugin_loader::LoadReport& report,
                     const registry::AgentClassRegistry& registry) {
  std::string out = fmt::format("plugins ({}):\n", report.loaded.size());
  for (const auto& p : report.loaded)
    out += fmt::format("  {} {} ({})\n", p.name, p.version, p.file);
  if (!report.refused.empty()) {
    out += fmt::format("refused plugins ({}, skipped by on_error: skip):\n", report.refused.size());
    for (const auto& r : report.refused) out += fmt::format("  {}\n", r.reason);
  }
  const auto agents = registry.agents();
  out += fmt::format("agents ({}):\n", agents.size());
  for (const auto* a : agents)
    out += fmt::format("  {} {} [{}] {}\n", a->info.name, a->info.version, a->plugin_name,
                       a->info.description);
  const auto tools = registry.tools();
  out += fmt::format("tools ({}):\n", tools.size());
  for (const auto* t : tools)
    out += fmt::format("  {} [{}] {}\n", t->info.name, t->plugin_name, t->info.description);
  return out;
}

}  // namespace agenthost::daemon
