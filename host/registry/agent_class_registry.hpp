#pragma once
/// \file
/// AgentClassRegistry: every agent class and tool the plugins declared. Filled on the
/// main thread during startup, then frozen; after freeze() it never changes, so any
/// thread reads it without a lock and may keep the entry pointers it gets for the
/// registry's whole life.

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "agenthost/registrar.hpp"
#include "agenthost/tool_dispatcher.hpp"
#include "schema/compiled_schema.hpp"

namespace agenthost::registry {

class PluginLibrary;

/// Thrown when an entry cannot be registered: the registry is frozen, the name is
/// invalid or already taken (the message names both plugins and their files).
class RegistryError : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

/// One agent class. `library` is declared FIRST on purpose: members are destroyed in
/// reverse order, so the library reference is released only after `factory`, whose
/// code (std::function manager, lambda) lives in the library. For the same reason
/// entries cannot be assigned to: member-wise assignment would drop the old library
/// before replacing the old factory. Copy-construct instead (declaring the deleted
/// copy assignment also removes the implicit moves, so a "move" copies: cheap, and
/// it never leaves an entry with a factory but no library).
struct AgentClass {
  /// Keeps the plugin file loaded. Null only for classes whose code is linked into
  /// the host itself (tests).
  std::shared_ptr<const PluginLibrary> library;
  agenthost::AgentInfo info;
  std::string plugin_name;
  std::string plugin_file;
  agenthost::AgentFactory factory;
  /// info.input_schema, compiled once at registration (the registry compiles it when
  /// the entry arrives without it); every submitted run's input is checked with it.
  std::shared_ptr<const schema::CompiledSchema> input_schema = {};

  AgentClass& operator=(const AgentClass&) = delete;
};

/// One tool; the same ownership rules as AgentClass.
struct ToolEntry {
  std::shared_ptr<const PluginLibrary> library;
  agenthost::ToolInfo info;
  std::string plugin_name;
  std::string plugin_file;
  agenthost::ToolHandler handler;
  /// info.input_schema, compiled once at registration (the registry compiles it when
  /// the entry arrives without it); every call validates against this.
  std::shared_ptr<const schema::CompiledSchema> input_schema;

  ToolEntry& operator=(const ToolEntry&) = delete;
};

class AgentClassRegistry {
 public:
  AgentClassRegistry();
  /// Destroys the entries (and so releases their libraries). Nothing may still use
  /// an entry pointer.
  ~AgentClassRegistry();
  AgentClassRegistry(const AgentClassRegistry&) = delete;
  AgentClassRegistry& operator=(const AgentClassRegistry&) = delete;

  /// Registers an agent class. Throws RegistryError after freeze(), for a name that
  /// breaks the name rule (registry/names.hpp), an empty factory, or a name already
  /// registered (the message names both plugin files). Agents and tools have
  /// separate namespaces.
  void add_agent(AgentClass agent);
  /// Registers a tool; the same rules as add_agent, with an empty handler refused and
  /// an input schema schema::compile() refuses (the message names the keyword and
  /// the schema pointer).
  void add_tool(ToolEntry tool);
  /// Registers all of `agents` and `tools` or, when any one would be refused, none of
  /// them (then throws that entry's RegistryError). How one plugin is committed.
  void add_all(std::vector<AgentClass> agents, std::vector<ToolEntry> tools);

  /// Ends registration; idempotent. Call on the thread that registered, before the
  /// registry is shared with other threads.
  void freeze();
  bool frozen() const noexcept;

  /// The entry named `name`, or nullptr. Pointers stay valid for the registry's life.
  const AgentClass* find_agent(std::string_view name) const;
  const ToolEntry* find_tool(std::string_view name) const;
  /// Every entry, sorted by name.
  std::vector<const AgentClass*> agents() const;
  std::vector<const ToolEntry*> tools() const;

 private:
  // Runs `read` under the lock until freeze(), without it afterwards (nothing
  // changes any more, and the acquire load orders the reads after the last write).
  template <class Read>
  auto read(Read&& read) const;
  void check_can_add(const std::vector<AgentClass>& agents,
                     const std::vector<ToolEntry>& tools) const;

  mutable std::mutex mutex_;
  std::atomic<bool> frozen_{false};
  // std::map: sorted listing, and nodes never move, so entry pointers are stable.
  std::map<std::string, AgentClass, std::less<>> agents_;
  std::map<std::string, ToolEntry, std::less<>> tools_;
};

}  // namespace agenthost::registry
