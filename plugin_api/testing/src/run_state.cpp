// One harness run: the host's run sequence (host/execution/run_sequence.hpp, which
// RunScope::execute runs too) on the harness's parts, plus the deadlines the host's
// engine enforces.

#include "run_state.hpp"

#include <algorithm>
#include <string>
#include <utility>

#include "access.hpp"

namespace agenthost::testing {

namespace {

// A run_timeout far beyond any test is treated as none (and cannot overflow).
constexpr std::chrono::hours kLongestTimeout{24 * 365};

agenthost::ExecutionContext build_context(const TestContextBuilder& builder, std::stop_token stop,
                                          std::uint64_t run_number,
                                          std::shared_ptr<agenthost::UserInput> user_input) {
  auto fields = builder.fields(run_number);
  fields.stop = std::move(stop);
  fields.user_input = std::move(user_input);
  return agenthost::ExecutionContext::create(std::move(fields));
}

}  // namespace

RunningAgent::State::State(TestRegistry& registry, const registry::AgentClass& agent_class,
                           const TestContextBuilder& context_builder, std::uint64_t run_number,
                           TestDatabase& database, const ScriptedModels& models,
                           RunSettings settings, boost::json::value input)
    : registry_alive_(detail::Access::keep_alive(registry)),
      agent_class_(agent_class),
      user_input(std::make_shared<TestUserInput>(settings.answers, settings.checkpoint)),
      context(build_context(context_builder, control_.token(), run_number, user_input)),
      emitter(context),
      db_(database, context),
      tools_(registry, context, emitter),
      model_transport_(detail::Access::transport(models)),
      models_(*model_transport_, context, detail::Access::host_registry(registry), tools_,
              [this](std::string_view type, boost::json::object payload) {
                emitter.emit_host(type, std::move(payload));
              }),
      sequence_(agent_class, context, emitter, db_, tools_, models_),
      settings_(std::move(settings)),
      input_(std::move(input)) {
  user_input->bind(emitter);
  if (settings_.cancel_on_event) {
    // Runs on the agent's thread before emit()/call() returns to it. `this` outlives
    // the observers: they belong to members of this object.
    const std::string type = *settings_.cancel_on_event;
    emitter.on_agent_event([this, type](std::string_view t) {
      if (t == type) stop(events::DeathCause::cancelled);
    });
    if (type == "tool_completed")
      tools_.on_tool_completed([this](std::string_view) { stop(events::DeathCause::cancelled); });
  }
}

void RunningAgent::State::launch(const std::shared_ptr<State>& state) {
  state->started_ = Clock::now();
  state->worker_ = std::thread([state] { state->execute(); });
  state->monitor_ = std::thread([state] { state->monitor(); });
}

void RunningAgent::State::stop(events::DeathCause cause) {
  // Triggers the run's stop token: the agent's callbacks (and the database interrupt)
  // run here, on this thread, as they do on the thread that stops a host run.
  if (!control_.request_stop(cause)) return;
  {
    std::lock_guard lock(mutex_);
    stop_at_ = Clock::now();
  }
  changed_.notify_all();
}

void RunningAgent::State::monitor() {
  const auto timeout =
      std::min<std::chrono::milliseconds>(context.limits().run_timeout, kLongestTimeout);
  const auto timeout_at = started_ + timeout;
  const auto cancel_at =
      settings_.cancel_after ? started_ + *settings_.cancel_after : Clock::time_point::max();
  std::unique_lock lock(mutex_);
  // Until the run ends or is stopped by anyone; the first deadline stops it.
  while (!finished_ && !stop_at_) {
    const auto next = std::min(timeout_at, cancel_at);
    if (changed_.wait_until(lock, next, [&] { return finished_ || stop_at_.has_value(); })) break;
    lock.unlock();
    stop(Clock::now() >= cancel_at && cancel_at <= timeout_at ? events::DeathCause::cancelled
                                                              : events::DeathCause::timeout);
    lock.lock();
  }
}

void RunningAgent::State::execute() {
  try {
    execute_steps();
  } catch (...) {
    host_failure_ = std::current_exception();
  }
  {
    std::lock_guard lock(mutex_);
    finished_ = true;
  }
  changed_.notify_all();
}

void RunningAgent::State::execute_steps() {
  // Notes when run() returned, for RunResult::stop_latency.
  struct NoteReturn : execution::QuietRunHooks {
    State& state;
    void agent_returned() {
      std::lock_guard lock(state.mutex_);
      state.returned_at_ = Clock::now();
    }
  };
  keep_outcome(sequence_.execute(input_, control_, NoteReturn{{}, *this}));
}

// The common outcome into the fields RunResult reports; written by the worker before
// finished_, read after it.
void RunningAgent::State::keep_outcome(execution::RunOutcome outcome) {
  status_ = std::move(outcome.status);
  if (outcome.result) result_ = std::move(*outcome.result);
  if (outcome.error) {
    const auto& error = outcome.error->as_object();
    error_type_ = std::string(error.at("error_type").as_string());
    error_message_ = std::string(error.at("message").as_string());
  }
  committed_ = db_.committed();
}

RunResult RunningAgent::State::wait() {
  {
    std::unique_lock lock(mutex_);
    if (waited_) throw std::logic_error("RunningAgent::wait: the run's result was already taken");
    changed_.wait(lock, [&] { return finished_ || stop_at_.has_value(); });
    // A second wait after AgentIgnoredStop gives the agent another grace from now.
    const auto deadline =
        ignored_stop_ ? Clock::now() + settings_.stop_grace : *stop_at_ + settings_.stop_grace;
    if (!finished_ && !changed_.wait_until(lock, deadline, [&] { return finished_; })) {
      ignored_stop_ = true;
      throw AgentIgnoredStop(
          "agent \"" + agent_class_.info.name + "\" (run " + context.run_id() +
          ") did not return within " + std::to_string(settings_.stop_grace.count()) +
          " ms of its stop request: poll context().stop_requested() or wait with "
          "context().sleep_for(), and return promptly once the run is stopped");
    }
    waited_ = true;
  }
  release_threads();
  if (host_failure_) std::rethrow_exception(host_failure_);
  return result();
}

void RunningAgent::State::release_threads() {
  // The monitor ends once the run has finished or been stopped, which the callers
  // have made sure of.
  if (monitor_.joinable()) monitor_.join();
  if (!worker_.joinable()) return;
  bool finished = false;
  {
    std::lock_guard lock(mutex_);
    finished = finished_;
  }
  if (finished) {
    worker_.join();
  } else {
    // The agent ignores its stop: leave its thread, which keeps this state (its
    // context, services and plugin library) alive until run() returns.
    worker_.detach();
  }
}

bool RunningAgent::State::waited() const {
  std::lock_guard lock(mutex_);
  return waited_;
}

RunResult RunningAgent::State::result() const {
  std::lock_guard lock(mutex_);
  RunResult out;
  out.run_id = context.run_id();
  out.status = status_;
  out.result = result_;
  out.error_type = error_type_;
  out.error_message = error_message_;
  out.events = emitter.events();
  out.tool_calls = tools_.calls();
  out.committed = committed_;
  out.checkpoints = user_input->checkpoints();
  if (stop_at_ && returned_at_ && *returned_at_ >= *stop_at_)
    out.stop_latency =
        std::chrono::duration_cast<std::chrono::milliseconds>(*returned_at_ - *stop_at_);
  return out;
}

}  // namespace agenthost::testing
