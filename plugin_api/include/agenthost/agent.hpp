#pragma once
/// \file
/// Agent: the base class of every agent a plugin provides. The host creates one
/// instance per run, calls run() once on the run's fiber, and destroys it when the
/// run ends. Everything the run owns is injected through the constructor.

#include <boost/json/value.hpp>

#include "agenthost/database_session.hpp"
#include "agenthost/event_emitter.hpp"
#include "agenthost/execution_context.hpp"
#include "agenthost/model_gateway.hpp"
#include "agenthost/tool_dispatcher.hpp"

namespace agenthost {

/// What the host injects into every agent instance. The references stay valid for
/// the instance's whole life and not one moment longer.
struct AgentServices {
  const ExecutionContext& context;
  EventEmitter& events;
  DatabaseSession& db;
  ToolDispatcher& tools;
  ModelGateway& models;  ///< since SDK 3.0
};

class Agent {
 public:
  explicit Agent(const AgentServices& services)
      : context_(services.context),
        events_(services.events),
        db_(services.db),
        tools_(services.tools),
        models_(services.models) {}
  /// May throw: an exception from a destructor becomes the run's agent_error, like one
  /// from run() (noexcept(false) so that it reaches the host instead of terminating).
  virtual ~Agent() noexcept(false) = default;
  Agent(const Agent&) = delete;
  Agent& operator=(const Agent&) = delete;

  /// Does the agent's work for `input` and returns its result. Called once, on the
  /// run's fiber (a stackful coroutine on one of the host's worker threads). Waits
  /// through the SDK (context().sleep_for, context().run_blocking, db().transaction,
  /// tools, models().chat) suspend the run and free the thread for other runs; anything else that
  /// blocks stalls that thread. Should return soon after context().stop_requested()
  /// becomes true. An exception becomes the run's agent_error event; a normal return
  /// its agent_completed event.
  virtual boost::json::value run(const boost::json::value& input) = 0;

 protected:
  const ExecutionContext& context() const noexcept { return context_; }
  EventEmitter& events() noexcept { return events_; }
  DatabaseSession& db() noexcept { return db_; }
  ToolDispatcher& tools() noexcept { return tools_; }
  /// Language models (agenthost/model_gateway.hpp); a call suspends the run.
  ModelGateway& models() noexcept { return models_; }

 private:
  const ExecutionContext& context_;
  EventEmitter& events_;
  DatabaseSession& db_;
  ToolDispatcher& tools_;
  ModelGateway& models_;
};

}  // namespace agenthost
