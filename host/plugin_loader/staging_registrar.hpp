#pragma once
/// \file
/// StagingRegistrar: the Registrar a plugin's registration function receives. It
/// collects the plugin's agents and tools without touching the registry, so the
/// loader can commit them all at once or, when anything went wrong, drop them all.

#include <boost/json/value.hpp>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "agenthost/registrar.hpp"
#include "registry/agent_class_registry.hpp"

namespace agenthost::plugin_loader {

/// Which plugin is registering: stamped on every entry and named in errors.
struct PluginIdentity {
  std::string name;
  std::string file;
  /// Null only in tests of the registrar itself.
  std::shared_ptr<const registry::PluginLibrary> library;
};

/// Used on the main thread, for one plugin, during its registration call only.
/// add_agent/add_tool throw std::invalid_argument for an invalid name, a missing
/// factory/handler, a tool input schema schema::compile() refuses (the keyword and
/// schema pointer named; compiled once here, kept with the entry), or a name this plugin or a
/// registered plugin already has (both files named). The first such error is also kept in
/// first_error(), so a plugin that catches it and carries on is still refused.
class StagingRegistrar final : public agenthost::Registrar {
 public:
  /// `registry` is only read (for name clashes); `config` is the plugin's section
  /// (null when none) and must outlive the registrar.
  StagingRegistrar(const registry::AgentClassRegistry& registry, PluginIdentity plugin,
                   const boost::json::value& config);

  using Registrar::add_agent;
  void add_agent(agenthost::AgentInfo info, agenthost::AgentFactory factory) override;
  void add_tool(agenthost::ToolInfo info, agenthost::ToolHandler handler) override;
  const boost::json::value& plugin_config() const override { return config_; }

  const std::optional<std::string>& first_error() const noexcept { return first_error_; }
  /// The staged entries, for AgentClassRegistry::add_all.
  std::vector<registry::AgentClass>& agents() noexcept { return agents_; }
  std::vector<registry::ToolEntry>& tools() noexcept { return tools_; }

 private:
  [[noreturn]] void refuse(std::string message);

  const registry::AgentClassRegistry& registry_;
  PluginIdentity plugin_;
  const boost::json::value& config_;
  std::vector<registry::AgentClass> agents_;
  std::vector<registry::ToolEntry> tools_;
  std::optional<std::string> first_error_;
};

}  // namespace agenthost::plugin_loader
