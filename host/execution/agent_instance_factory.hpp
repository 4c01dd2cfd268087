#pragma once
/// \file
/// AgentInstanceFactory: makes the RunScope of each run (a fresh agent instance and
/// the services injected into it). Built once at startup from the frozen registry
/// and the host's database (the agents' pool), event store and router; used by every
/// run's fiber.

#include <memory>

#include "agenthost/execution_context.hpp"
#include "database/database_session_manager.hpp"
#include "events/event_router.hpp"
#include "events/event_store.hpp"
#include "execution/run_scope.hpp"
#include "fiber/fiber_waiter.hpp"
#include "registry/agent_class_registry.hpp"

namespace agenthost::execution {

class AgentInstanceFactory {
 public:
  /// Everything passed must outlive the factory and every scope it makes. Throws
  /// std::invalid_argument when `registry` is not frozen yet (its entries could
  /// still change under running agents).
  AgentInstanceFactory(const registry::AgentClassRegistry& registry,
                       database::DatabaseSessionManager& database, events::EventStore& store,
                       events::EventRouter& router,
                       std::size_t max_result_bytes = events::kDefaultMaxResultBytes,
                       models::ModelServices models = {});

  /// The scope of one run of `agent_class` in `context` (see RunScope's constructor
  /// for what is created and how it fails). Thread-safe.
  std::unique_ptr<RunScope> open_scope(agenthost::ExecutionContext context,
                                       const registry::AgentClass& agent_class,
                                       fiber::FiberWaiter& waiter) const;

 private:
  const registry::AgentClassRegistry& registry_;
  const std::size_t max_result_bytes_;
  database::DatabaseSessionManager& database_;
  events::EventStore& store_;
  events::EventRouter& router_;
  const models::ModelServices models_;
};

}  // namespace agenthost::execution
