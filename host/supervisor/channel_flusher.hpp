#pragma once
/// \file
/// ChannelFlusher: the supervisor's one thread that finishes writing to workers what
/// their sockets could not take at once (ipc::Channel's backlog), so that no thread
/// that sends to a worker ever waits for it. It sleeps in poll() while no channel has
/// a backlog; a worker that takes nothing of its backlog for `deadline` is reported
/// (`stalled`) and forgotten: it is hung or stopped, and the pool replaces it.

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace agenthost::supervisor {

class WorkerProcess;

class ChannelFlusher {
 public:
  using Stalled =
      std::function<void(const std::shared_ptr<WorkerProcess>& worker, std::size_t bytes_waiting)>;

  /// Starts the thread. Throws std::system_error when its wake-up descriptor cannot
  /// be made.
  ChannelFlusher(std::chrono::milliseconds deadline, Stalled stalled);
  /// stop().
  ~ChannelFlusher();
  ChannelFlusher(const ChannelFlusher&) = delete;
  ChannelFlusher& operator=(const ChannelFlusher&) = delete;

  /// `worker`'s channel has a backlog now (its Channel's on_backlog). Thread-safe.
  void add(std::shared_ptr<WorkerProcess> worker);
  /// Ends the thread; backlogs left are dropped with their workers. Idempotent.
  void stop() noexcept;

 private:
  struct Pending {
    std::shared_ptr<WorkerProcess> worker;
    std::chrono::steady_clock::time_point last_progress;
  };
  void loop();
  void wake() noexcept;

  const std::chrono::milliseconds deadline_;
  const Stalled stalled_;
  const int wake_fd_;  // an eventfd: add() and stop() interrupt poll()
  std::mutex mutex_;
  std::vector<std::shared_ptr<WorkerProcess>> added_;  // guarded by mutex_
  bool stopping_ = false;                              // guarded by mutex_
  std::thread thread_;
};

}  // namespace agenthost::supervisor
