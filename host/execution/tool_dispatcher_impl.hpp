#pragma once
/// \file
/// ToolDispatcherImpl: the ToolDispatcher of one run. Looks tools up in the frozen
/// registry, checks the input against the tool's schema, and announces every call to
/// the run's user through the run's emitter (tool_executing, then tool_completed).

#include <boost/json/value.hpp>

#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string_view>

#include "agenthost/execution_context.hpp"
#include "agenthost/tool_dispatcher.hpp"
#include "events/user_event_emitter.hpp"
#include "registry/agent_class_registry.hpp"

namespace agenthost::execution {

/// Owned by the run's RunScope; `registry`, `context` and `emitter` must outlive it
/// (the scope declares them first). call() is thread-safe (an agent may call tools
/// from several threads); end() is called once by the scope when the run is over.
class ToolDispatcherImpl final : public agenthost::ToolDispatcher {
 public:
  ToolDispatcherImpl(const registry::AgentClassRegistry& registry,
                     const agenthost::ExecutionContext& context, events::UserEventEmitter& emitter);
  /// Calls end().
  ~ToolDispatcherImpl() override;

  /// Runs tool `name` on the calling thread with the run's context. Throws
  /// agenthost::ToolError for an unknown tool or input that does not match the
  /// tool's input_schema (nothing is emitted then: the tool never ran), and when the
  /// tool throws (after tool_completed {success: false} carries the tool's message);
  /// agenthost::RunEnded after end() or once the run's emitter is closed.
  boost::json::value call(std::string_view name, const boost::json::value& input) override;

  /// Refuses every later call with RunEnded and waits for calls in progress on other
  /// threads to return, so that nothing runs in this dispatcher once it returns.
  /// Idempotent.
  void end();

  /// Calls that reached their tool's handler.
  std::uint64_t executed_calls() const;

 private:
  // Counts a call in progress for its whole duration (see end()).
  class CallGuard;

  const registry::AgentClassRegistry& registry_;
  const agenthost::ExecutionContext& context_;
  events::UserEventEmitter& emitter_;

  mutable std::mutex mutex_;
  std::condition_variable idle_;
  bool ended_ = false;
  std::uint32_t in_flight_ = 0;
  std::uint64_t executed_ = 0;
};

}  // namespace agenthost::execution
