#pragma once
/// \file
/// TestRegistry: the agents and tools a test makes available, registered the way the
/// host registers them: a plugin .so goes through the host's own loader (manifest
/// check, Boost.DLL with RTLD_NOW | RTLD_LOCAL, staging registrar, all or nothing),
/// a registration function linked into the test through the same staging registrar,
/// so names, clashes and refusals follow the host's rules and messages.

#include <agenthost/manifest.hpp>
#include <agenthost/registrar.hpp>
#include <agenthost/tool_dispatcher.hpp>

#include <boost/json/value.hpp>

#include <concepts>
#include <filesystem>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

namespace agenthost::testing {

namespace detail {
struct Access;
}

/// A plugin the host would refuse; what() is the host's message (the file, the
/// field or failure, expected and found, what to do).
class PluginRefused : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// What was registered by one load_plugin or register_plugin call.
struct RegisteredPlugin {
  std::string name;
  std::string version;                   ///< empty for register_plugin
  std::string file;                      ///< empty for register_plugin
  agenthost::PluginManifest manifest{};  ///< zero for register_plugin
  std::vector<std::string> agents;       ///< in registration order
  std::vector<std::string> tools;
};

class TestRegistry {
 public:
  TestRegistry();
  ~TestRegistry();
  TestRegistry(const TestRegistry&) = delete;
  TestRegistry& operator=(const TestRegistry&) = delete;

  /// Loads the built plugin `file` exactly as agenthostd does and registers its agents
  /// and tools; `plugin_config` is what the host would pass from plugins.config.<name>
  /// in its YAML (null: none). The library stays loaded while the registry, or any
  /// run made from it, lives. Throws PluginRefused with the host's message.
  RegisteredPlugin load_plugin(const std::filesystem::path& file,
                               boost::json::value plugin_config = nullptr);

  /// Calls a registration function linked into the test (the function a plugin hands
  /// to AGENTHOST_PLUGIN) as the host calls a plugin's, with `plugin_config`.
  /// `plugin_name` names the plugin in messages. Throws PluginRefused when the
  /// function throws or registers something the host would refuse; nothing is
  /// registered then.
  RegisteredPlugin register_plugin(std::string plugin_name,
                                   const std::function<void(agenthost::Registrar&)>& register_fn,
                                   boost::json::value plugin_config = nullptr);

  /// Registers one agent class or tool written in the test (plugin name "test").
  /// Throws PluginRefused as register_plugin does.
  void add_agent(agenthost::AgentInfo info, agenthost::AgentFactory factory);
  void add_tool(agenthost::ToolInfo info, agenthost::ToolHandler handler);

  /// Registers agent class A, constructed as A(const AgentServices&), named `name`.
  /// (is_constructible, not std::constructible_from: agents' destructors may throw.)
  template <class A>
  requires std::derived_from<A, agenthost::Agent> &&
      std::is_constructible_v<A, const agenthost::AgentServices&>
  void add_agent(std::string name) {
    add_agent({.name = std::move(name), .description = "registered by the test", .version = "0"},
              [](const agenthost::AgentServices& s) -> std::unique_ptr<agenthost::Agent> {
                return std::make_unique<A>(s);
              });
  }

  /// Names of the registered agents and tools, sorted.
  std::vector<std::string> agent_names() const;
  std::vector<std::string> tool_names() const;

  /// Ends registration, as the host does before its first request. AgentHarness
  /// freezes on its first run; registering afterwards throws std::logic_error.
  void freeze();
  bool frozen() const noexcept;

 private:
  friend struct detail::Access;
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace agenthost::testing
