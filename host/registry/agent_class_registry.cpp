#include "registry/agent_class_registry.hpp"

#include <fmt/format.h>

#include <utility>

#include "registry/names.hpp"

namespace agenthost::registry {

namespace {

std::string origin(const std::string& plugin_name, const std::string& plugin_file) {
  return fmt::format("plugin {} ({})", plugin_name.empty() ? "<unnamed>" : plugin_name,
                     plugin_file.empty() ? "linked into the host" : plugin_file);
}

bool has_code(const AgentClass& a) { return static_cast<bool>(a.factory); }
bool has_code(const ToolEntry& t) { return static_cast<bool>(t.handler); }

// Checks one batch of entries of one kind against the registered ones and against
// each other; throws the first refusal.
template <class Entry>
void check_entries(const char* kind, const std::vector<Entry>& batch,
                   const std::map<std::string, Entry, std::less<>>& registered) {
  std::map<std::string_view, const Entry*> seen;
  for (const auto& e : batch) {
    const auto& name = e.info.name;
    if (auto problem = name_problem(name); !problem.empty())
      throw RegistryError(fmt::format("{} name \"{}\" from {} {}", kind, name,
                                      origin(e.plugin_name, e.plugin_file), problem));
    if (!has_code(e))
      throw RegistryError(fmt::format("{} \"{}\" from {} has no {}", kind, name,
                                      origin(e.plugin_name, e.plugin_file),
                                      std::string_view(kind) == "agent" ? "factory" : "handler"));
    const Entry* other = nullptr;
    if (auto it = registered.find(name); it != registered.end()) other = &it->second;
    if (auto it = seen.find(name); it != seen.end()) other = it->second;
    if (other)
      throw RegistryError(fmt::format(
          "{} \"{}\" from {} is already registered by {}: {} names are unique across all "
          "plugins, rename one of them or load only one of the plugins",
          kind, name, origin(e.plugin_name, e.plugin_file),
          origin(other->plugin_name, other->plugin_file), kind));
    seen.emplace(name, &e);
  }
}

std::string describe_first(const std::vector<AgentClass>& agents,
                           const std::vector<ToolEntry>& tools) {
  if (!agents.empty())
    return fmt::format("agent \"{}\" from {}", agents.front().info.name,
                       origin(agents.front().plugin_name, agents.front().plugin_file));
  if (!tools.empty())
    return fmt::format("tool \"{}\" from {}", tools.front().info.name,
                       origin(tools.front().plugin_name, tools.front().plugin_file));
  return "entries";
}

}  // namespace

AgentClassRegistry::AgentClassRegistry() = default;
AgentClassRegistry::~AgentClassRegistry() = default;

template <class Read>
auto AgentClassRegistry::read(Read&& read) const {
  if (frozen_.load(std::memory_order_acquire)) return read();
  std::lock_guard lock(mutex_);
  return read();
}

void AgentClassRegistry::check_can_add(const std::vector<AgentClass>& agents,
                                       const std::vector<ToolEntry>& tools) const {
  if (frozen_.load(std::memory_order_relaxed))
    throw RegistryError(fmt::format(
        "cannot register {}: the registry is frozen (plugins register only during startup)",
        describe_first(agents, tools)));
  check_entries("agent", agents, agents_);
  check_entries("tool", tools, tools_);
}

void AgentClassRegistry::add_agent(AgentClass agent) {
  std::vector<AgentClass> agents;
  agents.push_back(std::move(agent));
  add_all(std::move(agents), {});
}

void AgentClassRegistry::add_tool(ToolEntry tool) {
  std::vector<ToolEntry> tools;
  tools.push_back(std::move(tool));
  add_all({}, std::move(tools));
}

void AgentClassRegistry::add_all(std::vector<AgentClass> agents, std::vector<ToolEntry> tools) {
  // Entries staged by the loader arrive compiled; the others are compiled here.
  const auto compile_input_schema = [](auto& entry, std::string_view kind) {
    if (entry.input_schema) return;
    try {
      entry.input_schema = schema::compile(entry.info.input_schema);
    } catch (const schema::SchemaError& e) {
      throw RegistryError(fmt::format("{} \"{}\" from {} has an invalid input_schema: {}", kind,
                                      entry.info.name, entry.plugin_file, e.what()));
    }
  };
  for (auto& a : agents) compile_input_schema(a, "agent");
  for (auto& t : tools) compile_input_schema(t, "tool");
  std::lock_guard lock(mutex_);
  check_can_add(agents, tools);
  // Nothing below throws a RegistryError; only allocation can fail, and then the
  // host cannot start anyway.
  for (auto& a : agents) {
    std::string name = a.info.name;
    agents_.emplace(std::move(name), std::move(a));
  }
  for (auto& t : tools) {
    std::string name = t.info.name;
    tools_.emplace(std::move(name), std::move(t));
  }
}

void AgentClassRegistry::freeze() {
  std::lock_guard lock(mutex_);
  frozen_.store(true, std::memory_order_release);
}

bool AgentClassRegistry::frozen() const noexcept { return frozen_.load(std::memory_order_acquire); }

const AgentClass* AgentClassRegistry::find_agent(std::string_view name) const {
  return read([&]() -> const AgentClass* {
    auto it = agents_.find(name);
    return it == agents_.end() ? nullptr : &it->second;
  });
}

const ToolEntry* AgentClassRegistry::find_tool(std::string_view name) const {
  return read([&]() -> const ToolEntry* {
    auto it = tools_.find(name);
    return it == tools_.end() ? nullptr : &it->second;
  });
}

std::vector<const AgentClass*> AgentClassRegistry::agents() const {
  return read([&] {
    std::vector<const AgentClass*> out;
    out.reserve(agents_.size());
    for (const auto& [name, entry] : agents_) out.push_back(&entry);
    return out;
  });
}

std::vector<const ToolEntry*> AgentClassRegistry::tools() const {
  return read([&] {
    std::vector<const ToolEntry*> out;
    out.reserve(tools_.size());
    for (const auto& [name, entry] : tools_) out.push_back(&entry);
    return out;
  });
}

}  // namespace agenthost::registry
