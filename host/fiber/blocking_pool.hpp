#pragma once
/// \file
/// BlockingPool: the threads on which runs make blocking calls (a scoped database
/// transaction, the host's record writes at a run's start and end, an agent's
/// run_blocking work) while their fibers are suspended, so a worker thread never
/// stalls the other runs it carries. Tasks wait in a FairQueue: one user's many
/// blocking calls delay another user's by at most one task per waiting user.

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "fiber/fair_queue.hpp"

namespace agenthost::fiber {

class BlockingPool {
 public:
  using Task = std::function<void()>;
  using Ticket = FairQueue<Task>::Ticket;

  /// Starts `threads` threads (at least 1).
  explicit BlockingPool(std::uint32_t threads);
  /// Runs what is still queued, then joins the threads.
  ~BlockingPool();
  BlockingPool(const BlockingPool&) = delete;
  BlockingPool& operator=(const BlockingPool&) = delete;

  /// Queues `task` in `user`'s line. The task must not throw (an exception is logged
  /// and dropped). Thread-safe.
  Ticket submit(const std::string& user, Task task);
  /// Takes a task that has not started out of the queue: true when it will never run.
  bool cancel(Ticket ticket);

  std::uint32_t threads() const noexcept { return static_cast<std::uint32_t>(threads_.size()); }
  /// Tasks waiting for a thread (not those running).
  std::size_t queued() const;

 private:
  void loop();

  mutable std::mutex mutex_;
  std::condition_variable work_;
  FairQueue<Task> queue_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;  // last: started once the rest exists
};

}  // namespace agenthost::fiber
