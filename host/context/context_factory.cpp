#include "context/context_factory.hpp"

#include <utility>

#include "context/random_id.hpp"

namespace agenthost::context {

ExecutionContext make_run_context(RunContextRequest request) {
  ContextFields fields;
  fields.user_id = std::move(request.user_id);
  fields.thread_id = std::move(request.thread_id);
  fields.run_id = request.run_id.empty() ? time_ordered_id() : std::move(request.run_id);
  fields.request_id = random_id();
  fields.agent_name = std::move(request.agent_name);
  fields.metadata = std::move(request.metadata);
  fields.limits = request.limits;
  fields.stop = std::move(request.stop);
  fields.waiter = std::move(request.waiter);
  fields.user_input = std::move(request.user_input);
  return ExecutionContext::create(std::move(fields));
}

ExecutionContext make_child_context(const ExecutionContext& parent) {
  return parent.child(random_id());
}

}  // namespace agenthost::context
