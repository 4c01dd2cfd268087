#pragma once
/// \file
/// RunWaiter: how an SDK call that waits suspends its run instead of blocking a thread.
/// The host gives every run one (through its ExecutionContext); agents never call it
/// directly: they call ExecutionContext::sleep_for, ExecutionContext::run_blocking,
/// DatabaseSession::transaction or a tool, and those wait through it.
///
/// In the host a run is a fiber (a stackful coroutine) on one of a few worker threads:
/// while it waits, the thread runs other runs. Called from any other thread (a thread
/// the agent started itself, or the SDK's test harness, which has no fibers), the same
/// calls simply block that thread, with the same results.

#include <chrono>
#include <functional>
#include <stop_token>

namespace agenthost {

class RunWaiter {
 public:
  using Clock = std::chrono::steady_clock;

  virtual ~RunWaiter() = default;

  /// Suspends the calling run until `deadline`, or until `stop` is requested,
  /// whichever comes first (a stop request wakes it at once). Returns true when the
  /// deadline was reached without a stop request.
  virtual bool sleep_until(Clock::time_point deadline, const std::stop_token& stop) = 0;

  /// Runs `work` on the host's pool of threads for blocking calls (shared fairly
  /// between users) while the calling run is suspended; returns when `work` has
  /// returned and rethrows what it threw. `work` starts even if the run is stopped
  /// meanwhile (it is the agent's to check its stop token), so references it holds to
  /// the caller's stack stay valid throughout.
  virtual void run_blocking(const std::function<void()>& work) = 0;

 protected:
  RunWaiter() = default;
  RunWaiter(const RunWaiter&) = delete;
  RunWaiter& operator=(const RunWaiter&) = delete;
};

}  // namespace agenthost
