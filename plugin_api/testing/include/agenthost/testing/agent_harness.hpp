#pragma once
/// \file
/// AgentHarness: runs one agent the way the host runs it, in-process, with
/// everything observable. Per run it builds what the host builds (an immutable
/// context with its own stop token, the host's event emitter recording to memory, a
/// session on an in-memory SQLite database inside a transaction, the host's tool
/// dispatcher recording calls), creates the agent on a worker thread, emits
/// agent_started, calls run(input), destroys the agent, commits or rolls back, and
/// emits exactly one terminal event: the host's sequence, step for step.
///
///     agenthost::testing::AgentHarness harness;
///     harness.load_plugin(GREETER_PLUGIN_FILE);
///     auto result = harness.run("greeter", {{"names", {"Ada"}}});
///     REQUIRE(result.completed());
///     CHECK(result.event_types() == std::vector<std::string>{
///         "agent_started", "progress_update", "tool_executing", "tool_completed",
///         "agent_completed"});
///
/// Stopping: cancel_after(d) or cancel_on_event(type) arm a cancel for every later
/// run; start() returns a RunningAgent whose request_stop() cancels from the test;
/// the context's run_timeout stops a run with death cause timeout. After a stop the
/// agent must return within stop_grace, or the run's wait() throws AgentIgnoredStop.

#include <agenthost/agent.hpp>
#include <agenthost/registrar.hpp>
#include <agenthost/tool_dispatcher.hpp>

#include <boost/json/value.hpp>

#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

#include "agenthost/testing/recording_emitter.hpp"
#include "agenthost/testing/run_result.hpp"
#include "agenthost/testing/scripted_models.hpp"
#include "agenthost/testing/test_context.hpp"
#include "agenthost/testing/test_database.hpp"
#include "agenthost/testing/test_registry.hpp"

namespace agenthost::testing {

/// The agent did not return within the stop grace after its run was stopped; the host
/// would keep a worker thread busy for as long as such an agent runs. The agent keeps
/// running: wait() may be called again (it waits one more stop grace), and if the
/// RunningAgent is destroyed first, the agent's thread is left to finish on its own,
/// keeping everything the run uses alive.
class AgentIgnoredStop : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class RunningAgent;

class AgentHarness {
 public:
  AgentHarness();
  ~AgentHarness();
  AgentHarness(const AgentHarness&) = delete;
  AgentHarness& operator=(const AgentHarness&) = delete;

  /// The agents and tools runs can use. Register everything before the first run.
  TestRegistry& registry() noexcept;
  /// registry().load_plugin(file, plugin_config).
  AgentHarness& load_plugin(const std::filesystem::path& file,
                            boost::json::value plugin_config = nullptr);
  /// registry().register_plugin(plugin_name, register_fn, plugin_config).
  AgentHarness& register_plugin(std::string plugin_name,
                                const std::function<void(agenthost::Registrar&)>& register_fn,
                                boost::json::value plugin_config = nullptr);
  /// registry().add_agent<A>(name).
  template <class A>
  AgentHarness& add_agent(std::string name) {
    registry().add_agent<A>(std::move(name));
    return *this;
  }
  /// registry().add_tool(info, handler).
  AgentHarness& add_tool(agenthost::ToolInfo info, agenthost::ToolHandler handler);

  /// The context fields of later runs (user, thread, metadata, limits, ...). The
  /// agent name is always the agent run; run and request ids are run-00000N and
  /// request-00000N unless fixed.
  TestContextBuilder& context() noexcept;
  /// The in-memory database every run of this harness uses: set it up before a run,
  /// check the agent's (committed) writes after.
  TestDatabase& database() noexcept;
  /// The model endpoints runs' models() calls (scripted answers; none declared at
  /// first, as in a host whose configuration has no `models` section).
  ScriptedModels& models() noexcept;

  /// Every later run is cancelled `delay` after it starts.
  AgentHarness& cancel_after(std::chrono::milliseconds delay);
  /// Every later run is cancelled as soon as the agent emits an event of `type` (or,
  /// for "tool_completed", as soon as a tool call ends), on the agent's own thread
  /// before emit() or call() returns to it: deterministic, no timing involved.
  AgentHarness& cancel_on_event(std::string type);
  /// Undoes cancel_after and cancel_on_event.
  AgentHarness& no_cancel();
  /// How long a stopped agent may take to return before wait() throws
  /// AgentIgnoredStop. Default 5 s: far more than a well-behaved agent needs (check
  /// RunResult::stop_latency for a tighter bound).
  AgentHarness& stop_grace(std::chrono::milliseconds grace);

  /// Queues an answer for the next run's ask() calls (in order; consumed by that run).
  /// An ask() with no answer queued waits for RunningAgent::answer or the run's stop
  /// (then it throws InputAbandoned and the run ends as the host would end it).
  AgentHarness& answer(boost::json::value answer);
  /// The next run starts as a resumed one would: context().last_checkpoint() returns
  /// `checkpoint` until the run saves its own.
  AgentHarness& resume_from(boost::json::value checkpoint);

  /// Runs agent `agent_name` with `input` to its end: start(...).wait().
  RunResult run(std::string_view agent_name, boost::json::value input = nullptr);
  /// Starts the run on its own thread and returns at once. Throws std::invalid_argument
  /// for an unknown agent (listing the registered ones) and agenthost::ContextError
  /// for a context the host would refuse.
  RunningAgent start(std::string_view agent_name, boost::json::value input = nullptr);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// A run in progress. Move-only. Destroying it without wait() cancels the run and
/// waits for it (errors swallowed).
class RunningAgent {
 public:
  RunningAgent(RunningAgent&&) noexcept;
  RunningAgent& operator=(RunningAgent&&) noexcept;
  ~RunningAgent();

  /// The run's context (its stop token is the run's).
  const agenthost::ExecutionContext& context() const;
  /// The run's events so far (live).
  const RecordingEmitter& events() const;
  /// Waits until the run has an event of `type`; false after `timeout`.
  bool wait_for_event(std::string_view type,
                      std::chrono::milliseconds timeout = std::chrono::seconds(30)) const;
  /// Answers the run's current (or next) question, as its user would.
  void answer(boost::json::value answer);
  /// Cancels the run, as a user's cancel does in the host (death cause cancelled).
  /// Any thread; only the first stop of a run counts.
  void request_stop();
  /// Waits for the run to end and returns its result. Stops the run (timeout) at the
  /// context's run_timeout; throws AgentIgnoredStop when the agent has not returned
  /// within the stop grace after a stop (then may be called again). Throws
  /// std::logic_error once the result has been returned.
  RunResult wait();

 private:
  friend class AgentHarness;
  struct State;
  explicit RunningAgent(std::shared_ptr<State> state);
  std::shared_ptr<State> state_;
};

}  // namespace agenthost::testing
