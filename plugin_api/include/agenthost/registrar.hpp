#pragma once
/// \file
/// Registrar: what the host hands a plugin's registration function at startup, to
/// declare the plugin's agent classes and tools. Registration happens once, on the
/// host's main thread, before any request; afterwards the registry is frozen.

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <concepts>

#include <functional>
#include <memory>
#include <string>
#include <type_traits>
#include <vector>

#include "agenthost/agent.hpp"
#include "agenthost/tool_dispatcher.hpp"

namespace agenthost {

struct AgentInfo {
  std::string name;         ///< unique across all plugins, [a-z0-9_.-]
  std::string description;  ///< one line, shown by GET /v1/agents
  std::string version;
  /// JSON Schema (draft 7) every run's input must fit; a run whose input does not is
  /// refused before it starts, with the pointer and keyword at fault. Empty: any
  /// input. Checked and compiled once, when the plugin registers.
  boost::json::object input_schema = {};
  /// True when a run of this class may be resumed after a host restart (clean or
  /// kill -9): it is started again in a fresh instance whose context().last_checkpoint()
  /// is the run's latest checkpoint (and, if it was waiting for its user, its first
  /// ask() waits again for the same question). The agent's steps between two
  /// checkpoints must then be safe to run twice. False: such a run ends agent_death.
  bool resumable = false;
  /// The model endpoints (names under `models:` in the host's configuration) the agent
  /// calls. `agenthostd --check-config` refuses the plugin when one is not configured;
  /// the daemon starts all the same (logging a warning) and the agent's runs fail with
  /// a message naming what to configure. Since SDK 3.0.
  std::vector<std::string> model_endpoints = {};
};

/// Creates one agent instance for one run. Called on a worker thread.
using AgentFactory = std::function<std::unique_ptr<Agent>(const AgentServices&)>;

class Registrar {
 public:
  virtual ~Registrar() = default;

  /// Declares an agent class. Throws std::invalid_argument for an invalid or
  /// already registered name (the message names the plugin that has it).
  virtual void add_agent(AgentInfo info, AgentFactory factory) = 0;

  /// Declares a tool. Throws std::invalid_argument as add_agent does.
  virtual void add_tool(ToolInfo info, ToolHandler handler) = 0;

  /// This plugin's section of the host configuration (plugins[].config), as JSON;
  /// null when the operator gave none.
  virtual const boost::json::value& plugin_config() const = 0;

  /// Declares agent class A, constructed as A(const AgentServices&).
  template <class A>
  // is_constructible, not std::constructible_from: the concept also demands a
  // noexcept destructor, and an agent's destructor may throw (see ~Agent).
  requires std::derived_from<A, Agent> && std::is_constructible_v<A, const AgentServices&>
  void add_agent(AgentInfo info) {
    add_agent(std::move(info), [](const AgentServices& s) -> std::unique_ptr<Agent> {
      return std::make_unique<A>(s);
    });
  }

 protected:
  Registrar() = default;
  Registrar(const Registrar&) = delete;
  Registrar& operator=(const Registrar&) = delete;
};

}  // namespace agenthost
