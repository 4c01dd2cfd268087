#pragma once
/// \file
/// Creation of execution contexts by the host. The rules themselves (placeholder ids,
/// reserved metadata keys, depth) live in the SDK's ExecutionContext::create, so that
/// the host and a plugin's own child contexts are checked alike; this is the one place
/// where the host makes the ids a context carries.

#include <boost/json/object.hpp>

#include <memory>
#include <stop_token>
#include <string>

#include "agenthost/execution_context.hpp"

namespace agenthost::context {

/// What the host knows about a run before it creates the run's context.
struct RunContextRequest {
  std::string user_id;                ///< the authenticated user
  std::string thread_id;              ///< an existing thread of this user (checked by the caller)
  std::string agent_name;             ///< a registered agent class
  boost::json::object metadata;       ///< caller-supplied, copied in; reserved keys refused
  ResourceLimits limits;              ///< the user's limits, visible to the agent
  std::stop_token stop;               ///< the run's cancellation token
  std::shared_ptr<RunWaiter> waiter;  ///< how the run's waiting calls suspend it (or null)
  std::shared_ptr<UserInput> user_input = nullptr;  ///< how the run asks its user (or null)
  std::string run_id = {};  ///< a resumed run's own id; empty: a fresh random one
};

/// Creates the top-level context of a new run with a fresh run id and request id
/// (random_id()), depth 0 and no parent. Thread-safe.
/// Throws agenthost::ContextError naming the first invalid field (for example
/// "user_id is a placeholder value (\"default\")" or "metadata.run_id is reserved ...").
ExecutionContext make_run_context(RunContextRequest request);

/// Creates a context for a nested request of the same run: same run id, thread and
/// user, a fresh request id, `parent` as parent, depth + 1. Throws ContextError when
/// the depth would exceed kMaxContextDepth.
ExecutionContext make_child_context(const ExecutionContext& parent);

}  // namespace agenthost::context
