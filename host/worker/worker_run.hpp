#pragma once
/// \file
/// WorkerRun: one run in a worker process, from its start frame to its done frame.
/// It owns what the run's agent is given, as RunScope does in the supervisor's own
/// process (in_process isolation), and runs the agent through the same RunSequence:
///  - the emitter checks events here and forwards them (ForwardingEventStore);
///  - the database session is this process's own (the agents' pool, opened here);
///  - tools run here (they are plugin code), announced through the emitter;
///  - the model gateway and the user's answers are the supervisor's (calls).
/// The terminal event is forwarded like any other; the supervisor ends the run.

#include <boost/json/value.hpp>

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>

#include "agenthost/execution_context.hpp"
#include "database/database_session_manager.hpp"
#include "database/run_database_session.hpp"
#include "events/event_router.hpp"
#include "events/user_event_emitter.hpp"
#include "execution/run_control.hpp"
#include "execution/run_sequence.hpp"
#include "execution/tool_dispatcher_impl.hpp"
#include "fiber/blocking_pool.hpp"
#include "fiber/fiber_waiter.hpp"
#include "ipc/channel.hpp"
#include "ipc/run_inbox.hpp"
#include "registry/agent_class_registry.hpp"
#include "worker/forwarding_event_store.hpp"
#include "worker/remote_model_gateway.hpp"
#include "worker/remote_user_input.hpp"
#include "worker/supervisor_calls.hpp"

namespace agenthost::worker {

/// What every run of the process shares; owned by WorkerHost.
struct WorkerServices {
  const registry::AgentClassRegistry& registry;
  database::DatabaseSessionManager& database;  // the agents' pool
  ipc::Channel& channel;
  fiber::BlockingPool& blocking;
  events::EventRouter& unused_router;  // UserEventEmitter wants one; the supervisor delivers
};

class WorkerRun final : public SupervisorCalls {
 public:
  /// Reads `start` (throws ipc::FrameError or agenthost::ContextError naming what is
  /// wrong, std::invalid_argument for an agent this process does not have).
  WorkerRun(WorkerServices& services, const ipc::Frame& start);
  ~WorkerRun() override;
  WorkerRun(const WorkerRun&) = delete;
  WorkerRun& operator=(const WorkerRun&) = delete;

  /// Runs the agent and sends `done`. On the run's fiber; call once.
  void execute() noexcept;
  /// The supervisor stopped the run (cancel, timeout, interrupt, shutdown). Any thread.
  void stop(events::DeathCause cause) noexcept { control_.request_stop(cause); }
  /// The supervisor has taken `events` of the run's events (an ack frame). Any thread.
  void acknowledged(std::uint64_t events) { store_.acknowledged(events); }

  boost::json::value call(std::string_view op, boost::json::object body) override;

  ipc::RunInbox& inbox() noexcept { return inbox_; }
  const std::shared_ptr<fiber::FiberWaiter>& waiter() const noexcept { return waiter_; }
  const std::string& run_id() const noexcept { return run_id_; }

 private:
  /// A tool the supervisor's model gateway calls while this run waits for its chat.
  void serve_tool_call(const ipc::Frame& frame);

  WorkerServices& services_;
  const std::string run_id_;
  const registry::AgentClass& agent_class_;
  // Before the agent (RunSequence): the plugin's code stays mapped until it is gone.
  std::shared_ptr<const registry::PluginLibrary> library_;
  const boost::json::value input_;
  const std::size_t max_result_bytes_;
  ipc::RunInbox inbox_;
  std::mutex call_mutex_;  // one call at a time: replies are taken from one inbox
  std::uint64_t next_call_ = 1;
  std::shared_ptr<fiber::FiberWaiter> waiter_;
  execution::RunControl control_;
  std::shared_ptr<RemoteUserInput> user_input_;
  const agenthost::ExecutionContext context_;
  ForwardingEventStore store_;
  events::UserEventEmitter emitter_;
  database::RunDatabaseSession db_;
  execution::ToolDispatcherImpl tools_;
  RemoteModelGateway models_;
  execution::RunSequence<events::UserEventEmitter, database::RunDatabaseSession,
                         execution::ToolDispatcherImpl>
      sequence_;
};

}  // namespace agenthost::worker
