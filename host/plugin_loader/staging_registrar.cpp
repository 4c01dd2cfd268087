#include "plugin_loader/staging_registrar.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <stdexcept>
#include <utility>

#include "registry/names.hpp"

namespace agenthost::plugin_loader {

namespace {

template <class Entry>
const Entry* staged(const std::vector<Entry>& entries, const std::string& name) {
  auto it = std::find_if(entries.begin(), entries.end(),
                         [&](const Entry& e) { return e.info.name == name; });
  return it == entries.end() ? nullptr : &*it;
}

}  // namespace

StagingRegistrar::StagingRegistrar(const registry::AgentClassRegistry& registry,
                                   PluginIdentity plugin, const boost::json::value& config)
    : registry_(registry), plugin_(std::move(plugin)), config_(config) {}

void StagingRegistrar::refuse(std::string message) {
  if (!first_error_) first_error_ = message;
  throw std::invalid_argument(std::move(message));
}

void StagingRegistrar::add_agent(agenthost::AgentInfo info, agenthost::AgentFactory factory) {
  if (auto problem = registry::name_problem(info.name); !problem.empty())
    refuse(fmt::format("agent name \"{}\" {}", info.name, problem));
  if (!factory) refuse(fmt::format("agent \"{}\" has an empty factory", info.name));
  if (staged(agents_, info.name))
    refuse(fmt::format("agent \"{}\" is registered twice by this plugin", info.name));
  if (const auto* other = registry_.find_agent(info.name))
    refuse(
        fmt::format("agent \"{}\" of plugin {} ({}) is already registered by plugin {} ({}): "
                    "agent names are unique across plugins, rename one of them",
                    info.name, plugin_.name, plugin_.file, other->plugin_name, other->plugin_file));
  std::shared_ptr<const schema::CompiledSchema> input_schema;
  try {
    input_schema = schema::compile(info.input_schema);
  } catch (const schema::SchemaError& e) {
    refuse(fmt::format("agent \"{}\" has an invalid input_schema: {}", info.name, e.what()));
  }
  agents_.push_back(registry::AgentClass{.library = plugin_.library,
                                         .info = std::move(info),
                                         .plugin_name = plugin_.name,
                                         .plugin_file = plugin_.file,
                                         .factory = std::move(factory),
                                         .input_schema = std::move(input_schema)});
}

void StagingRegistrar::add_tool(agenthost::ToolInfo info, agenthost::ToolHandler handler) {
  if (auto problem = registry::name_problem(info.name); !problem.empty())
    refuse(fmt::format("tool name \"{}\" {}", info.name, problem));
  if (!handler) refuse(fmt::format("tool \"{}\" has an empty handler", info.name));
  if (staged(tools_, info.name))
    refuse(fmt::format("tool \"{}\" is registered twice by this plugin", info.name));
  if (const auto* other = registry_.find_tool(info.name))
    refuse(
        fmt::format("tool \"{}\" of plugin {} ({}) is already registered by plugin {} ({}): "
                    "tool names are unique across plugins, rename one of them",
                    info.name, plugin_.name, plugin_.file, other->plugin_name, other->plugin_file));
  std::shared_ptr<const schema::CompiledSchema> input_schema;
  try {
    input_schema = schema::compile(info.input_schema);
  } catch (const schema::SchemaError& e) {
    refuse(fmt::format("tool \"{}\" has an invalid input_schema: {}", info.name, e.what()));
  }
  tools_.push_back(registry::ToolEntry{.library = plugin_.library,
                                       .info = std::move(info),
                                       .plugin_name = plugin_.name,
                                       .plugin_file = plugin_.file,
                                       .handler = std::move(handler),
                                       .input_schema = std::move(input_schema)});
}

}  // namespace agenthost::plugin_loader
