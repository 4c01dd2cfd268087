#pragma once
// RunningAgent::State: one harness run. Owns what the host's RunScope owns (context,
// emitter, database session, tool dispatcher, agent), runs the host's own
// RunSequence (host/execution/run_sequence.hpp) on a worker thread, and enforces the
// cancel, timeout and stop-grace deadlines on a monitor thread.

#include <chrono>
#include <condition_variable>
#include <deque>
#include <exception>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "agenthost/testing/agent_harness.hpp"
#include "events/host_events.hpp"
#include "execution/run_control.hpp"
#include "execution/run_outcome.hpp"
#include "execution/run_sequence.hpp"
#include "models/run_model_gateway.hpp"
#include "registry/agent_class_registry.hpp"
#include "test_user_input.hpp"

namespace agenthost::testing {

/// What AgentHarness hands a new run.
struct RunSettings {
  std::optional<std::chrono::milliseconds> cancel_after;
  std::optional<std::string> cancel_on_event;
  std::chrono::milliseconds stop_grace{5000};
  std::deque<boost::json::value> answers;        ///< for the run's ask() calls, in order
  std::optional<boost::json::value> checkpoint;  ///< the run starts as a resumed one
};

struct RunningAgent::State {
  using Clock = std::chrono::steady_clock;

  State(TestRegistry& registry, const registry::AgentClass& agent_class,
        const TestContextBuilder& context, std::uint64_t run_number, TestDatabase& database,
        const ScriptedModels& models, RunSettings settings, boost::json::value input);

  /// Starts the worker and monitor threads. Call once, right after construction,
  /// with the owning shared_ptr (the threads keep the state alive).
  static void launch(const std::shared_ptr<State>& state);

  /// Stops the run for `cause` (the first stop wins) and notes when.
  void stop(events::DeathCause cause);

  /// Waits for the end of the run; see RunningAgent::wait.
  RunResult wait();
  /// True once wait() has returned the run's result.
  bool waited() const;
  /// Joins the helper threads, or detaches the worker when the agent still runs (it
  /// then keeps this state alive). Call before dropping the last outside reference.
  void release_threads();

 private:
  void execute();  // worker thread
  void monitor();  // monitor thread
  void execute_steps();
  void keep_outcome(execution::RunOutcome outcome);
  RunResult result() const;

  // Declaration order is creation order, as in the host's RunScope: the registry
  // (entries and plugin libraries) first, the agent last.
  std::shared_ptr<const void> registry_alive_;
  const registry::AgentClass& agent_class_;
  execution::RunControl control_;

 public:
  const std::shared_ptr<TestUserInput> user_input;
  const agenthost::ExecutionContext context;
  RecordingEmitter emitter;

 private:
  TestDatabaseSession db_;
  RecordingToolDispatcher tools_;
  std::shared_ptr<models::ChatTransport> model_transport_;
  models::RunModelGateway models_;
  // Owns the agent, so it comes last.
  execution::RunSequence<RecordingEmitter, TestDatabaseSession, RecordingToolDispatcher> sequence_;

  const RunSettings settings_;
  const boost::json::value input_;
  Clock::time_point started_;

  mutable std::mutex mutex_;
  std::condition_variable changed_;
  bool finished_ = false;
  bool waited_ = false;        // the result was returned
  bool ignored_stop_ = false;  // a wait() threw AgentIgnoredStop
  std::optional<Clock::time_point> stop_at_;
  std::optional<Clock::time_point> returned_at_;
  std::exception_ptr host_failure_;
  std::thread worker_;
  std::thread monitor_;

  // The outcome, written by the worker before finished_.
  std::string status_;
  boost::json::value result_;
  std::string error_type_;
  std::string error_message_;
  bool committed_ = false;
};

}  // namespace agenthost::testing
