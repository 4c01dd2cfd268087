#pragma once
/// \file
/// WorkerHost: a worker process. Started by the supervisor (host/supervisor) with
/// its end of the channel as file descriptor 3, it loads the plugins the
/// configuration names (each one's manifest checked before any of its code runs),
/// freezes its registry, opens its own pool of the agents' database, and runs
/// every run the supervisor starts as a fiber, as the engine does in_process. It
/// never touches a client socket, the event log or the run store: events, answers
/// and model calls go through the supervisor. It exits when the supervisor closes
/// the channel (or dies: the kernel sends SIGKILL then, see worker_process.cpp).

#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include "config/host_config.hpp"
#include "database/database_session_manager.hpp"
#include "events/event_router.hpp"
#include "fiber/blocking_pool.hpp"
#include "fiber/fiber_scheduler.hpp"
#include "ipc/channel.hpp"
#include "registry/agent_class_registry.hpp"
#include "worker/worker_run.hpp"

namespace agenthost::worker {

class WorkerHost {
 public:
  /// Loads the plugins and opens the agents' pool (throws what those throw).
  WorkerHost(const config::HostConfig& config, ipc::ChannelEnd channel);
  ~WorkerHost();

  /// Sends ready, then serves the supervisor's frames until it closes the channel.
  /// Returns the process's exit status.
  int serve();

 private:
  void on_frame(ipc::Frame&& frame);
  void start_run(const ipc::Frame& frame);
  std::shared_ptr<WorkerRun> find(const std::string& run_id);

  registry::AgentClassRegistry registry_;
  database::DatabaseSessionManager database_;
  ipc::Channel channel_;
  events::EventRouter router_;
  fiber::BlockingPool blocking_;
  WorkerServices services_;

  std::mutex mutex_;
  std::unordered_map<std::string, std::shared_ptr<WorkerRun>> runs_;  // guarded by mutex_

  // Last: its threads run the fibers, which use everything above.
  fiber::FiberScheduler scheduler_;
};

}  // namespace agenthost::worker
