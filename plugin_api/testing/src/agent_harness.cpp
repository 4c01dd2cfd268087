#include "agenthost/testing/agent_harness.hpp"

#include <utility>

#include "access.hpp"
#include "run_state.hpp"

namespace agenthost::testing {

struct AgentHarness::Impl {
  TestRegistry registry;
  TestContextBuilder context;
  TestDatabase database;
  ScriptedModels models;
  RunSettings settings;
  std::uint64_t runs = 0;
};

AgentHarness::AgentHarness() : impl_(std::make_unique<Impl>()) {}

AgentHarness::~AgentHarness() = default;

TestRegistry& AgentHarness::registry() noexcept { return impl_->registry; }

AgentHarness& AgentHarness::load_plugin(const std::filesystem::path& file,
                                        boost::json::value plugin_config) {
  impl_->registry.load_plugin(file, std::move(plugin_config));
  return *this;
}

AgentHarness& AgentHarness::register_plugin(
    std::string plugin_name, const std::function<void(agenthost::Registrar&)>& register_fn,
    boost::json::value plugin_config) {
  impl_->registry.register_plugin(std::move(plugin_name), register_fn, std::move(plugin_config));
  return *this;
}

AgentHarness& AgentHarness::add_tool(agenthost::ToolInfo info, agenthost::ToolHandler handler) {
  impl_->registry.add_tool(std::move(info), std::move(handler));
  return *this;
}

TestContextBuilder& AgentHarness::context() noexcept { return impl_->context; }

TestDatabase& AgentHarness::database() noexcept { return impl_->database; }

ScriptedModels& AgentHarness::models() noexcept { return impl_->models; }

AgentHarness& AgentHarness::cancel_after(std::chrono::milliseconds delay) {
  impl_->settings.cancel_after = delay;
  return *this;
}

AgentHarness& AgentHarness::cancel_on_event(std::string type) {
  impl_->settings.cancel_on_event = std::move(type);
  return *this;
}

AgentHarness& AgentHarness::no_cancel() {
  impl_->settings.cancel_after.reset();
  impl_->settings.cancel_on_event.reset();
  return *this;
}

AgentHarness& AgentHarness::stop_grace(std::chrono::milliseconds grace) {
  impl_->settings.stop_grace = grace;
  return *this;
}

AgentHarness& AgentHarness::answer(boost::json::value answer) {
  impl_->settings.answers.push_back(std::move(answer));
  return *this;
}

AgentHarness& AgentHarness::resume_from(boost::json::value checkpoint) {
  impl_->settings.checkpoint = std::move(checkpoint);
  return *this;
}

RunResult AgentHarness::run(std::string_view agent_name, boost::json::value input) {
  return start(agent_name, std::move(input)).wait();
}

RunningAgent AgentHarness::start(std::string_view agent_name, boost::json::value input) {
  impl_->registry.freeze();
  const auto* agent_class = detail::Access::host_registry(impl_->registry).find_agent(agent_name);
  if (!agent_class) {
    std::string known;
    for (const auto& name : impl_->registry.agent_names())
      known += (known.empty() ? "" : ", ") + name;
    throw std::invalid_argument(
        "AgentHarness: no agent named \"" + std::string(agent_name) +
        "\" is registered (registered: " + (known.empty() ? "none" : known) +
        "); load its plugin or add it before the first run");
  }
  TestContextBuilder context = impl_->context;
  context.agent_name(agent_class->info.name);
  // Answers and a checkpoint are the next run's only.
  RunSettings settings = impl_->settings;
  impl_->settings.answers.clear();
  impl_->settings.checkpoint.reset();
  auto state = std::make_shared<RunningAgent::State>(impl_->registry, *agent_class, context,
                                                     ++impl_->runs, impl_->database, impl_->models,
                                                     std::move(settings), std::move(input));
  RunningAgent::State::launch(state);
  return RunningAgent(std::move(state));
}

RunningAgent::RunningAgent(std::shared_ptr<State> state) : state_(std::move(state)) {}

RunningAgent::RunningAgent(RunningAgent&&) noexcept = default;

RunningAgent& RunningAgent::operator=(RunningAgent&& other) noexcept {
  if (this != &other) {
    RunningAgent discarded(std::move(*this));
    state_ = std::move(other.state_);
  }
  return *this;
}

RunningAgent::~RunningAgent() {
  if (!state_) return;
  if (!state_->waited()) {
    try {
      state_->stop(events::DeathCause::cancelled);
      state_->wait();
    } catch (...) {
      // The agent ignored its stop, or the host parts failed: a destructor cannot
      // report either.
    }
  }
  state_->release_threads();
}

const agenthost::ExecutionContext& RunningAgent::context() const { return state_->context; }

const RecordingEmitter& RunningAgent::events() const { return state_->emitter; }

bool RunningAgent::wait_for_event(std::string_view type, std::chrono::milliseconds timeout) const {
  return state_->emitter.wait_for(type, timeout);
}

void RunningAgent::answer(boost::json::value answer) {
  state_->user_input->answer(std::move(answer));
}

void RunningAgent::request_stop() { state_->stop(events::DeathCause::cancelled); }

RunResult RunningAgent::wait() { return state_->wait(); }

}  // namespace agenthost::testing
