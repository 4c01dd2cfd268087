#pragma once
/// \file
/// FiberWaiter: the host's RunWaiter, one per run. While the run's fiber runs, every
/// waiting call of the run (sleep_for, run_blocking, a database session it waits for)
/// suspends the fiber on its worker thread's event loop and resumes it when the wait
/// ends: on completion, at a deadline, or at once when the run's stop token fires (a
/// posted wake-up, no polling). Called from any other thread (one an agent started
/// itself), the same calls block that thread instead, with the same results.
///
/// A run stays on the worker thread that started it (FiberScheduler), so thread-local
/// state in plugin code and libraries (errno, OpenSSL's error queue) is the same
/// before and after a wait.

#include <atomic>
#include <functional>
#include <memory>
#include <stop_token>
#include <string>
#include <thread>

#include "agenthost/run_waiter.hpp"

namespace agenthost::fiber {

class BlockingPool;
class FiberScheduler;
struct SuspendState;  // the fiber's event loop, timer and wake flags (fiber_waiter.cpp)

class FiberWaiter final : public agenthost::RunWaiter {
 public:
  /// `user_id` is the run's user: its blocking work waits in that user's line.
  FiberWaiter(std::string user_id, BlockingPool& blocking);
  ~FiberWaiter() override;

  bool sleep_until(Clock::time_point deadline, const std::stop_token& stop) override;
  void run_blocking(const std::function<void()>& work) override;

  /// The host's general wait. `start(wake)` begins an operation that calls `wake()`
  /// exactly once, from any thread, when it is done; the run waits until then. When
  /// `stop` fires first, `cancel()` is called: if it returns true the operation will
  /// never call wake() and await returns false; otherwise await waits on for wake().
  /// Returns true when the operation completed.
  bool await(const std::function<void(std::function<void()> wake)>& start,
             const std::function<bool()>& cancel, const std::stop_token& stop);

  /// A step of host work done for the run without waiting (a frame taken, an event
  /// sent). Every kStepsBeforeYield such steps since the fiber last suspended, it
  /// yields once: every other fiber ready on this thread runs before it goes on. A run
  /// whose worker floods it with frames, or an agent that emits in a loop, would
  /// otherwise keep the thread from the other runs it carries. Off the fiber: nothing.
  void pause_point();
  static constexpr int kStepsBeforeYield = 64;

  /// True when called on this run's fiber (not from a thread the agent started).
  bool on_fiber() const noexcept;

  const std::string& user_id() const noexcept { return user_id_; }

  /// A name for the run (its id), set before it is spawned: running_tag() reports it.
  void set_tag(std::string tag) { tag_ = std::move(tag); }
  /// The tag of the fiber running on this thread now (null between fibers, on other
  /// threads, or when untagged). For a worker process's fatal-signal handler, which
  /// names the run that was on the CPU when the process died.
  static const char* running_tag() noexcept;

 private:
  friend class FiberScheduler;
  /// Called by the scheduler on the fiber, before the run's body and after it.
  void attach(std::shared_ptr<SuspendState> state);
  void detach() noexcept;

  const std::string user_id_;
  std::string tag_;
  BlockingPool& blocking_;
  std::shared_ptr<SuspendState> state_;  // set once, by attach, before attached_
  std::thread::id home_;                 // likewise
  std::atomic<bool> attached_{false};
  int steps_since_suspended_ = 0;  // on the fiber alone; every suspension resets it
};

}  // namespace agenthost::fiber
