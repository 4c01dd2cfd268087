#pragma once
/// \file
/// WorkerProcess: one worker process as the supervisor sees it: its pid, its end of
/// the channel, and the runs it carries. A reader thread takes the worker's frames
/// and hands each to the inbox of the run it names (ipc::RunInbox); when the
/// channel ends it reaps the process and reports how it ended (exited(how)).
///
/// The child is started with fork and exec (the supervisor has many threads, so
/// between the two only async-signal-safe calls are made): its end of the channel
/// becomes fds 3 (from the supervisor) and 4 (to it), the pipe of its last words fd 5
/// (ipc::kWorkerLastWordsFd), every other descriptor above 2 is closed, no new
/// privileges (PR_SET_NO_NEW_PRIVS), the kernel kills it if the supervisor dies
/// (PR_SET_PDEATHSIG; tied to the spawning thread, so spawns happen on the pool's
/// own long-lived thread), its signal mask is cleared, and an optional data-segment
/// limit (RLIMIT_DATA: workers.memory_limit_mb) makes an unbounded allocation fail
/// in the worker instead of growing until the OOM killer picks a victim.

#include <sys/types.h>

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "ipc/channel.hpp"
#include "ipc/run_inbox.hpp"

namespace agenthost::supervisor {

struct WorkerLaunch {
  std::string executable;                ///< agenthost-worker
  std::string config_file;               ///< the file the supervisor loaded
  std::uint64_t memory_limit_bytes = 0;  ///< 0: none
};

class WorkerProcess : public std::enable_shared_from_this<WorkerProcess> {
 public:
  /// What the reader thread reports. `exited`'s `how`: "was killed by signal SIGSEGV
  /// (11)", "exited with status 3", ...
  struct Listener {
    std::function<void(const std::shared_ptr<WorkerProcess>& worker)> ready;
    std::function<void(const std::shared_ptr<WorkerProcess>& worker, std::string how)> exited;
    /// On the sending thread: the worker's socket took only part of what was sent; the
    /// rest waits for flush_backlog() (ChannelFlusher).
    std::function<void(const std::shared_ptr<WorkerProcess>& worker)> backlog;
  };

  /// Starts the process and its reader thread (which holds the object alive until it
  /// has reaped the process and called `listener.exited`). `group`: "" for the shared
  /// workers, else the plugin that has them dedicated. Throws std::system_error.
  static std::shared_ptr<WorkerProcess> spawn(const WorkerLaunch& launch, std::string group,
                                              Listener listener);
  ~WorkerProcess();
  WorkerProcess(const WorkerProcess&) = delete;
  WorkerProcess& operator=(const WorkerProcess&) = delete;

  /// Sends to the worker without waiting for it (what its socket cannot take yet
  /// waits in the channel's backlog: Listener::backlog); false when it is gone.
  bool send(const ipc::Frame& frame) { return channel_.send(frame); }
  /// Writes what the socket takes of the backlog now (ChannelFlusher's thread).
  ipc::Channel::Backlog flush_backlog() { return channel_.flush_backlog(); }
  int channel_write_fd() const noexcept { return channel_.write_fd(); }
  /// Routes the worker's frames of `run_id` to `inbox` from now on.
  void attach(const std::string& run_id, ipc::RunInbox& inbox);
  void detach(const std::string& run_id);
  /// The runs attached now.
  std::vector<std::pair<std::string, ipc::RunInbox*>> attached() const;
  std::size_t load() const;

  /// SIGKILL (a recycled or stopping worker). The reader reaps it.
  void kill() noexcept;
  /// Closes the channel: a worker leaves when the supervisor is done with it.
  void close() noexcept { channel_.shutdown(); }

  pid_t pid() const noexcept { return pid_; }
  const std::string& group() const noexcept { return group_; }
  /// Taking no more runs: recycled (a run did not stop) or the pool is stopping.
  std::atomic<bool> draining{false};
  /// Why it is draining, for the runs it ends ("" while it is not).
  std::string drain_reason;  // set once, before draining is
  std::atomic<bool> ready{false};
  /// The run the worker said it was running when a fatal signal hit it (its crash
  /// frame, read once it is reaped), or "": the crash is then charged to every run it
  /// had.
  std::string crashed_run() const;

 private:
  WorkerProcess(pid_t pid, ipc::ChannelEnd end, int last_words_fd, std::string group,
                std::function<void(const std::shared_ptr<WorkerProcess>&)> on_backlog);
  void read_frames(const Listener& listener);
  /// Once the process is reaped: its crash frame, if it wrote one (crashed_run).
  void read_last_words();
  void route(ipc::Frame&& frame, const Listener& listener);

  const pid_t pid_;
  const std::function<void(const std::shared_ptr<WorkerProcess>&)> on_backlog_;
  ipc::Channel channel_;
  const int last_words_fd_;  // read end of the pipe of the worker's last words
  const std::string group_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, ipc::RunInbox*> runs_;  // guarded by mutex_
  std::string crashed_run_;                               // guarded by mutex_
};

/// "was killed by signal SIGSEGV (11)" or "exited with status 3", from waitpid's status.
std::string describe_exit(int status);

}  // namespace agenthost::supervisor
