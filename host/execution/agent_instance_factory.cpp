#include "execution/agent_instance_factory.hpp"

#include <stdexcept>
#include <utility>

namespace agenthost::execution {

AgentInstanceFactory::AgentInstanceFactory(const registry::AgentClassRegistry& registry,
                                           database::DatabaseSessionManager& database,
                                           events::EventStore& store, events::EventRouter& router,
                                           std::size_t max_result_bytes,
                                           models::ModelServices models)
    : registry_(registry),
      max_result_bytes_(max_result_bytes),
      database_(database),
      store_(store),
      router_(router),
      models_(models) {
  if (!registry_.frozen())
    throw std::invalid_argument(
        "AgentInstanceFactory: the agent class registry is not frozen; load every plugin and "
        "call freeze() before creating agents");
}

std::unique_ptr<RunScope> AgentInstanceFactory::open_scope(agenthost::ExecutionContext context,
                                                           const registry::AgentClass& agent_class,
                                                           fiber::FiberWaiter& waiter) const {
  return std::make_unique<RunScope>(std::move(context), agent_class, registry_, database_, store_,
                                    router_, waiter, max_result_bytes_, models_);
}

}  // namespace agenthost::execution
