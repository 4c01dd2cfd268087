// RecordingToolDispatcher: the host's ToolDispatcherImpl, with each call recorded.

#include "agenthost/testing/recording_tool_dispatcher.hpp"

#include <agenthost/event_emitter.hpp>

#include <mutex>
#include <utility>

#include "access.hpp"
#include "execution/tool_dispatcher_impl.hpp"

namespace agenthost::testing {

struct RecordingToolDispatcher::Impl {
  Impl(TestRegistry& registry, const agenthost::ExecutionContext& context,
       RecordingEmitter& emitter)
      : registry_alive(detail::Access::keep_alive(registry)),
        host_registry(detail::Access::host_registry(registry)),
        tools(host_registry, context, detail::Access::host_emitter(emitter)) {}

  // Whether the host dispatcher will reach the tool's handler (and so emit
  // tool_completed): the same lookup and schema check it makes first.
  bool will_run(std::string_view name, const boost::json::value& input) const {
    const auto* tool = host_registry.find_tool(name);
    return tool && !tool->input_schema->validate(input);
  }

  void record(ToolCallRecord call) {
    std::lock_guard lock(mutex);
    calls.push_back(std::move(call));
  }

  std::shared_ptr<const void> registry_alive;
  const registry::AgentClassRegistry& host_registry;
  execution::ToolDispatcherImpl tools;
  mutable std::mutex mutex;
  std::vector<ToolCallRecord> calls;
  std::function<void(std::string_view)> observer;
};

RecordingToolDispatcher::RecordingToolDispatcher(TestRegistry& registry,
                                                 const agenthost::ExecutionContext& context,
                                                 RecordingEmitter& emitter) {
  // The host's dispatcher reads the registry without locks: only once it is frozen.
  registry.freeze();
  impl_ = std::make_unique<Impl>(registry, context, emitter);
}

RecordingToolDispatcher::~RecordingToolDispatcher() { end(); }

boost::json::value RecordingToolDispatcher::call(std::string_view name,
                                                 const boost::json::value& input) {
  ToolCallRecord record{std::string(name), input, false, nullptr, {}};
  const bool runs = impl_->will_run(name, input);
  try {
    record.output = impl_->tools.call(name, input);
    record.success = true;
  } catch (const agenthost::RunEnded&) {
    throw;
  } catch (const std::exception& e) {
    record.error = e.what();
    impl_->record(std::move(record));
    if (runs && impl_->observer) impl_->observer(name);
    throw;
  }
  boost::json::value output = record.output;
  impl_->record(std::move(record));
  if (impl_->observer) impl_->observer(name);
  return output;
}

void RecordingToolDispatcher::end() { impl_->tools.end(); }

std::vector<ToolCallRecord> RecordingToolDispatcher::calls() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->calls;
}

void RecordingToolDispatcher::on_tool_completed(
    std::function<void(std::string_view tool)> observer) {
  impl_->observer = std::move(observer);
}

}  // namespace agenthost::testing
