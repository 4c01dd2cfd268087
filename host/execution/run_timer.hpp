#pragma once
/// \file
/// RunTimer: one thread that stops runs at their deadline (cause timeout), however
/// many runs there are: a deadline queue, not a thread or a timer per run. It also
/// gives up submissions whose record the database has not stored in time.

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <thread>
#include <unordered_map>

#include "execution/run_control.hpp"

namespace agenthost::execution {

class RunTimer {
 public:
  using Clock = std::chrono::steady_clock;

  /// Starts the timer thread.
  RunTimer();
  /// Stops the thread; pending deadlines are dropped.
  ~RunTimer();
  RunTimer(const RunTimer&) = delete;
  RunTimer& operator=(const RunTimer&) = delete;

  /// At `deadline`, calls control->request_stop(cause) on the timer thread, unless
  /// cancel(id) came first or the control is gone. Thread-safe.
  std::uint64_t schedule(Clock::time_point deadline, std::weak_ptr<RunControl> control,
                         events::DeathCause cause = events::DeathCause::timeout);
  /// At `deadline`, calls `fire` on the timer thread, unless cancel(id) came first.
  /// `fire` must not throw nor block. Thread-safe.
  std::uint64_t schedule(Clock::time_point deadline, std::function<void()> fire);
  /// Forgets deadline `id`; a no-op when it fired already. Thread-safe.
  void cancel(std::uint64_t id);
  /// Deadlines waiting (for tests: returns to 0 when no run is active).
  std::size_t pending() const;

 private:
  void loop();

  struct Deadline {
    std::uint64_t id;
    std::function<void()> fire;
  };
  using Queue = std::multimap<Clock::time_point, Deadline>;

  mutable std::mutex mutex_;
  std::condition_variable changed_;
  Queue queue_;
  std::unordered_map<std::uint64_t, Queue::iterator> by_id_;
  std::uint64_t next_id_ = 1;
  bool stopping_ = false;
  std::thread thread_;  // last: starts after the members it uses exist
};

}  // namespace agenthost::execution
