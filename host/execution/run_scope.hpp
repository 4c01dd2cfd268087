#pragma once
/// \file
/// RunScope: everything one run owns, created in order (context, emitter, database
/// session, tool dispatcher, agent) and released in the reverse order, whatever way
/// the run ends. The run itself is RunSequence's (shared with the SDK's test
/// harness): every call into plugin code (the agent's factory and constructor, run(),
/// its destructor) is wrapped there, so an exception becomes this run's agent_error
/// and goes no further.

#include <boost/json/value.hpp>

#include <memory>

#include "agenthost/agent.hpp"
#include "agenthost/execution_context.hpp"
#include "database/database_session_manager.hpp"
#include "database/run_database_session.hpp"
#include "events/event_router.hpp"
#include "events/event_store.hpp"
#include "events/result_limit.hpp"
#include "events/user_event_emitter.hpp"
#include "execution/run_control.hpp"
#include "execution/run_outcome.hpp"
#include "execution/run_sequence.hpp"
#include "execution/storage_pacer.hpp"
#include "execution/tool_dispatcher_impl.hpp"
#include "fiber/fiber_waiter.hpp"
#include "models/host_chat_transport.hpp"
#include "models/model_services.hpp"
#include "models/run_model_gateway.hpp"
#include "models/run_usage_meter.hpp"
#include "registry/agent_class_registry.hpp"
#include "registry/plugin_library.hpp"

namespace agenthost::execution {

/// One run's owned objects. Created by AgentInstanceFactory on the run's fiber, used
/// there only (except the emitter and the tool dispatcher, which an agent may use
/// from its own threads until run() returns), destroyed there. Not movable: its
/// members refer to each other.
class RunScope {
 public:
  /// Builds the emitter (bound to the context's user, thread and run), the run's
  /// database session (which leases nothing until the agent uses it) and the tool
  /// dispatcher; the agent is created by execute(). Throws what those throw: nothing
  /// was emitted then. `waiter` is the run's; it and `database` (the agents' pool)
  /// must outlive the scope.
  RunScope(agenthost::ExecutionContext context, const registry::AgentClass& agent_class,
           const registry::AgentClassRegistry& registry, database::DatabaseSessionManager& database,
           events::EventStore& store, events::EventRouter& router, fiber::FiberWaiter& waiter,
           std::size_t max_result_bytes = events::kDefaultMaxResultBytes,
           models::ModelServices models = {});
  /// Releases whatever is left, in reverse order: the agent (wrapped), the tool
  /// dispatcher (ended), the database session (rolled back if still open), the
  /// emitter (closed), the context, and last the plugin library reference.
  ~RunScope();
  RunScope(const RunScope&) = delete;
  RunScope& operator=(const RunScope&) = delete;

  /// Runs the agent once and ends the run's services: RunSequence::execute, with each
  /// failure of plugin code or of the commit logged under the run's correlation id.
  /// Call once. Exceptions from plugin code never leave it; an exception from the
  /// host's own parts (the event store refusing an event) does, with the scope still
  /// safe to destroy.
  RunOutcome execute(const boost::json::value& input, const RunControl& control);

  const agenthost::ExecutionContext& context() const noexcept { return context_; }
  events::UserEventEmitter& emitter() noexcept { return emitter_; }
  database::RunDatabaseSession& database() noexcept { return db_; }
  ToolDispatcherImpl& tools() noexcept { return tools_; }
  models::RunModelGateway& models() noexcept { return models_; }
  /// True while the agent instance exists (between its creation and destruction).
  bool has_agent() const noexcept { return sequence_.has_agent(); }

 private:
  // Declaration order is creation order; members are destroyed in reverse. The
  // library reference comes first so the plugin's code stays mapped until the agent,
  // whose vtable and destructor live there, is gone.
  const std::size_t max_result_bytes_;  // limits.max_result_bytes
  std::shared_ptr<const registry::PluginLibrary> library_;
  const agenthost::ExecutionContext context_;
  StoragePacer pacer_;
  events::UserEventEmitter emitter_;
  database::RunDatabaseSession db_;
  ToolDispatcherImpl tools_;
  models::HostChatTransport model_transport_;  // through `models` (null: none configured)
  models::RunUsageMeter model_usage_;
  models::RunModelGateway models_;
  // Owns the agent, so it comes last.
  RunSequence<events::UserEventEmitter, database::RunDatabaseSession, ToolDispatcherImpl> sequence_;
};

}  // namespace agenthost::execution
