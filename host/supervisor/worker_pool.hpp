#pragma once
/// \file
/// WorkerPool: the supervisor's worker processes and the runs it dispatches to them
/// (execution::RunDispatcher). Plugins in isolation `worker` share
/// workers.processes processes; each `dedicated` plugin gets as many of its own;
/// `in_process` plugins are not dispatched (the engine runs them itself). A run goes
/// to the least-loaded process of its group.
///
/// Its thread (supervise()) starts every process (PR_SET_PDEATHSIG is tied to the
/// thread that forks, so it must outlive them), replaces a process at once when one
/// dies or is recycled, and keeps the deadlines: a run told to stop that has not
/// ended after limits.cancel_grace gets agent_death unresponsive and its process is
/// recycled (it takes no more runs, a replacement starts, its other runs get the same
/// grace, then it is killed). When a process dies, each of its runs ends with
/// agent_death worker_crashed (or resumes elsewhere: RemoteRun) and its agents are
/// charged with the crash (Quarantine).

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "config/plugins_section.hpp"
#include "execution/run_dispatcher.hpp"
#include "supervisor/channel_flusher.hpp"
#include "supervisor/quarantine.hpp"
#include "supervisor/remote_run.hpp"
#include "supervisor/worker_process.hpp"

namespace agenthost::supervisor {

struct WorkerPoolOptions {
  WorkerLaunch launch;
  std::uint32_t processes = 2;  ///< per group
  std::chrono::milliseconds cancel_grace{std::chrono::seconds(10)};
  QuarantinePolicy quarantine;
  config::PluginIsolation isolation;
};

/// What the pool reports to the metrics (host/daemon); called on the pool's threads.
class WorkerObserver {
 public:
  virtual ~WorkerObserver() = default;
  /// A worker process died while running runs of `plugin`/`agent` (once per agent).
  virtual void worker_crashed(std::string_view plugin, std::string_view agent,
                              std::string_view how) noexcept = 0;
  virtual void worker_started() noexcept = 0;
  virtual void run_unresponsive(std::string_view agent) noexcept = 0;
};

class WorkerPool final : public execution::RunDispatcher {
 public:
  /// Starts the processes of every group. `services` and `observer` (may be null)
  /// must outlive the pool.
  WorkerPool(WorkerPoolOptions options, DispatchServices services,
             WorkerObserver* observer = nullptr);
  /// stop().
  ~WorkerPool() override;
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  bool dispatches(const registry::AgentClass& agent_class) const override;
  std::optional<std::string> unavailable(const registry::AgentClass& agent_class) const override;
  execution::RunOutcome execute(
      execution::RunEntry& run,
      const std::function<void(events::UserEventEmitter&)>& ready) override;

  /// Waits until every group has a process that loaded its plugins. Throws
  /// std::runtime_error naming how the first one ended when one cannot start (a
  /// plugin its process refuses, a missing library) or none is ready in `timeout`.
  void await_started(std::chrono::milliseconds timeout);

  /// A reload: every quarantine ends. Returns how many were lifted.
  std::size_t lift_quarantines();
  /// Closes every process and waits until each has left (killing those that do not
  /// within a few seconds). Call after the engine has ended every run. Idempotent.
  void stop() noexcept;

  struct Stats {
    std::size_t processes = 0;    ///< alive (taking runs, starting or draining)
    std::uint64_t started = 0;    ///< since the pool started, replacements included
    std::uint64_t crashed = 0;    ///< died while the pool was not stopping or recycling them
    std::uint64_t recycled = 0;   ///< recycled: a run did not stop, or it stopped reading
    std::size_t quarantined = 0;  ///< agents in quarantine now
  };
  Stats stats() const;
  /// The pid of each live process, for tests and the log.
  std::vector<int> pids() const;

  // RemoteRun's side.
  /// The process to run `run_id` of `agent_class` on, with the run's frames routed to
  /// `inbox`; null when none could be started within a few seconds, or stopping.
  std::shared_ptr<WorkerProcess> assign(const registry::AgentClass& agent_class,
                                        const std::string& run_id, ipc::RunInbox& inbox);
  /// The run left `worker` (ended or moved on).
  void release(const std::shared_ptr<WorkerProcess>& worker, const std::string& run_id);
  /// The run was told to stop: unless release() or unwatch() comes within
  /// cancel_grace, the run is told it is unresponsive and `worker` is recycled.
  void watch_stop(const std::shared_ptr<WorkerProcess>& worker, const std::string& run_id,
                  ipc::RunInbox& inbox);
  void unwatch(const std::string& run_id);

 private:
  using Clock = std::chrono::steady_clock;
  struct Assignment {
    std::string agent;
    std::string plugin;
  };
  struct Watch {
    std::shared_ptr<WorkerProcess> worker;
    ipc::RunInbox* inbox;
    Clock::time_point deadline;
  };
  struct Draining {
    std::shared_ptr<WorkerProcess> worker;
    Clock::time_point kill_at;
  };

  std::string group_of(const registry::AgentClass& agent_class) const;
  void supervise();
  void spawn(const std::string& group);  // on the pool's thread, without the lock
  void exited(const std::shared_ptr<WorkerProcess>& worker, std::string how);
  void became_ready(const std::shared_ptr<WorkerProcess>& worker);
  /// Takes `worker` out of its group (a replacement is queued) and has it killed
  /// after the grace.
  void recycle_locked(const std::shared_ptr<WorkerProcess>& worker, const std::string& reason);
  void expire_locked(Clock::time_point now,
                     std::vector<std::pair<ipc::RunInbox*, ipc::Frame>>& notices);
  /// The flusher's report: `worker` took nothing of what waits for it for
  /// cancel_grace (at least 1 s). It is hung or stopped: recycled and killed at once.
  void stalled(const std::shared_ptr<WorkerProcess>& worker, std::size_t bytes_waiting);

  const WorkerPoolOptions options_;
  const DispatchServices services_;
  WorkerObserver* const observer_;
  Quarantine quarantine_;

  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::map<std::string, std::vector<std::shared_ptr<WorkerProcess>>> groups_;  // taking runs
  std::vector<std::string> to_spawn_;                                          // groups short
  std::set<std::string> expected_groups_;
  /// A process that ends before it is ready is not restarted at once (its plugins
  /// would fail the same way in a tight loop): after 0.5 s, doubling up to 30 s.
  std::map<std::string, std::uint32_t> start_failures_;  // by group, since the last ready
  std::map<std::string, std::string> last_start_failure_;
  std::vector<std::pair<std::string, Clock::time_point>> delayed_spawns_;
  std::vector<Draining> draining_;
  std::unordered_map<std::string, Watch> watches_;           // by run id
  std::unordered_map<std::string, Assignment> assignments_;  // by run id
  std::size_t alive_ = 0;                                    // spawned, not yet reaped
  std::uint64_t started_ = 0, crashed_ = 0, recycled_ = 0;
  bool stopping_ = false;
  /// What the workers' sockets could not take at once; reports through stalled().
  ChannelFlusher flusher_;
  std::thread thread_;  // last: started once everything above exists
};

}  // namespace agenthost::supervisor
