#include "execution/tool_dispatcher_impl.hpp"

#include <boost/json/object.hpp>

#include <string>
#include <utility>

#include "events/host_events.hpp"
#include "registry/plugin_failure.hpp"

namespace agenthost::execution {

class ToolDispatcherImpl::CallGuard {
 public:
  explicit CallGuard(ToolDispatcherImpl& d, std::string_view name) : d_(d) {
    std::lock_guard lock(d_.mutex_);
    if (d_.ended_)
      throw agenthost::RunEnded("tool \"" + std::string(name) + "\" called after run " +
                                d_.context_.run_id() +
                                " ended: keep no reference to the ToolDispatcher beyond run()");
    ++d_.in_flight_;
  }
  ~CallGuard() {
    std::lock_guard lock(d_.mutex_);
    if (--d_.in_flight_ == 0) d_.idle_.notify_all();
  }
  CallGuard(const CallGuard&) = delete;
  CallGuard& operator=(const CallGuard&) = delete;

 private:
  ToolDispatcherImpl& d_;
};

ToolDispatcherImpl::ToolDispatcherImpl(const registry::AgentClassRegistry& registry,
                                       const agenthost::ExecutionContext& context,
                                       events::UserEventEmitter& emitter)
    : registry_(registry), context_(context), emitter_(emitter) {}

ToolDispatcherImpl::~ToolDispatcherImpl() { end(); }

boost::json::value ToolDispatcherImpl::call(std::string_view name,
                                            const boost::json::value& input) {
  CallGuard guard(*this, name);
  const registry::ToolEntry* tool = registry_.find_tool(name);
  if (!tool)
    throw agenthost::ToolError("unknown tool \"" + std::string(name) +
                               "\": no loaded plugin registers it (check the tool name and "
                               "that its plugin is listed in the configuration)");
  if (auto problem = tool->input_schema->validate(input))
    throw agenthost::ToolError("tool \"" + std::string(name) +
                               "\": input does not match its input_schema: " + problem->describe());

  emitter_.emit_host("tool_executing", events::tool_executing_payload(name, input));
  {
    std::lock_guard lock(mutex_);
    ++executed_;
  }
  boost::json::value result;
  std::string failure;
  try {
    result = tool->handler(context_, input);
  } catch (...) {
    failure = registry::current_exception_message();
  }
  if (!failure.empty()) {
    // error_message is cleaned by the emitter's sanitiser (paths, secrets, length).
    emitter_.emit_host("tool_completed",
                       events::tool_completed_payload(
                           name, false, boost::json::object{{"error_message", failure}}));
    throw agenthost::ToolError("tool \"" + std::string(name) + "\" failed: " + failure);
  }
  emitter_.emit_host("tool_completed", events::tool_completed_payload(name, true, result));
  return result;
}

void ToolDispatcherImpl::end() {
  std::unique_lock lock(mutex_);
  ended_ = true;
  idle_.wait(lock, [&] { return in_flight_ == 0; });
}

std::uint64_t ToolDispatcherImpl::executed_calls() const {
  std::lock_guard lock(mutex_);
  return executed_;
}

}  // namespace agenthost::execution
