#pragma once
/// \file
/// RemoteRun: the supervisor's side of one run that a worker process carries out.
/// It lives on the run's fiber in the supervisor (suspended while it waits: a few
/// KiB per run) and stands in for the run there:
///  - numbers, stores and delivers the run's events (the run's UserEventEmitter is
///    here; the worker's events arrive as frames), paced by the event log's room for
///    the run (StoragePacer), and acknowledges them to the worker (ack frames) as it
///    takes them, which is what lets the worker's run send more;
///  - answers the worker's calls: the user's answers (the run's RunInput), its
///    checkpoints, its model calls (the model gateway is here; a model's tool calls
///    go back to the worker, where the tools are);
///  - forwards a stop (cancel, timeout, interrupt, shutdown) and has the pool watch
///    that the run ends within limits.cancel_grace;
///  - ends the run when its worker dies (agent_death worker_crashed, or a resumable
///    agent continues from its last checkpoint on another worker) or does not stop
///    (agent_death unresponsive).
/// Every ending is a RunEnding emitted here; the engine records it (finalize).

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "agenthost/tool_dispatcher.hpp"
#include "events/user_event_emitter.hpp"
#include "execution/run_entry.hpp"
#include "execution/run_outcome.hpp"
#include "execution/storage_pacer.hpp"
#include "ipc/run_inbox.hpp"
#include "models/host_chat_transport.hpp"
#include "models/model_services.hpp"
#include "models/run_model_gateway.hpp"
#include "models/run_usage_meter.hpp"
#include "registry/agent_class_registry.hpp"
#include "supervisor/worker_process.hpp"

namespace agenthost::supervisor {

class WorkerPool;

/// What every remote run uses of the supervisor.
struct DispatchServices {
  const registry::AgentClassRegistry& registry;
  events::EventStore& store;
  events::EventRouter& router;
  models::ModelServices models;
  std::size_t max_result_bytes;
};

class RemoteRun {
 public:
  RemoteRun(execution::RunEntry& run, WorkerPool& pool, const DispatchServices& services);
  ~RemoteRun();
  RemoteRun(const RemoteRun&) = delete;
  RemoteRun& operator=(const RemoteRun&) = delete;

  /// See RunDispatcher::execute. On the run's fiber; call once.
  execution::RunOutcome execute(const std::function<void(events::UserEventEmitter&)>& ready);

 private:
  /// The model gateway's tools: each call goes to the worker, and this run's frames
  /// are handled while it waits.
  class RemoteTools final : public agenthost::ToolDispatcher {
   public:
    explicit RemoteTools(RemoteRun& run) : run_(run) {}
    boost::json::value call(std::string_view name, const boost::json::value& input) override;

   private:
    RemoteRun& run_;
  };

  bool start_on_worker();
  void handle(ipc::Frame&& frame);
  void on_event(const ipc::Frame& frame);
  /// Counts an event frame taken; every ipc::kEventsPerAck, tells the worker (ack).
  void acknowledge_event();
  void on_call(const ipc::Frame& frame);
  void on_done(const ipc::Frame& frame);
  /// The pool's notice: the worker died or the run did not stop in time.
  void on_worker_lost(const ipc::Frame& notice);
  boost::json::value answer(const ipc::Frame& call);
  void end_with(execution::RunEnding ending);
  void forward_stop();
  void send(const ipc::Frame& frame);
  std::shared_ptr<WorkerProcess> worker() const;

  execution::RunEntry& run_;
  WorkerPool& pool_;
  const DispatchServices& services_;
  const std::string corr_;  // the run's correlation id
  ipc::RunInbox inbox_;
  execution::StoragePacer pacer_;
  events::UserEventEmitter emitter_;
  RemoteTools tools_;
  models::HostChatTransport model_transport_;
  models::RunUsageMeter model_usage_;
  models::RunModelGateway models_;

  mutable std::mutex worker_mutex_;  // worker_ changes when a crashed run resumes
  std::shared_ptr<WorkerProcess> worker_;
  std::uint32_t resumes_ = 0;
  std::uint64_t next_call_ = 1;
  std::uint64_t events_taken_ = 0;                // event frames of the run from its current worker
  std::uint32_t nesting_ = 0;                     // calls being answered (a model call's tools)
  std::optional<ipc::Frame> deferred_loss_;       // a worker lost while nesting_ > 0
  std::optional<execution::RunOutcome> outcome_;  // set once the terminal event is
  bool finished_ = false;                         // emitted; finished: nothing more to wait for
};

}  // namespace agenthost::supervisor
