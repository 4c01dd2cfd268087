#pragma once
/// \file
/// RunInbox: the frames addressed to one run, in arrival order, taken by the run's
/// fiber. The channel's reader thread pushes; the run's fiber takes them one at a
/// time, suspended (no thread held) while the inbox is empty. Used on both sides: by
/// a worker's run (replies and tool calls from the supervisor) and by the
/// supervisor's side of a run (its events and calls from the worker, and the
/// supervisor's own notices: the worker died, the run did not stop in time).

#include <deque>
#include <functional>
#include <mutex>

#include "fiber/fiber_waiter.hpp"
#include "ipc/frame.hpp"

namespace agenthost::ipc {

class RunInbox {
 public:
  /// Any thread.
  void push(Frame frame);
  /// The next frame; suspends the calling fiber (or blocks a plain thread) until
  /// one arrives. A frame taken without waiting is a step of the run's work
  /// (FiberWaiter::pause_point): a flood of frames for one run does not keep its
  /// thread from the others.
  Frame take(fiber::FiberWaiter& waiter);

 private:
  std::mutex mutex_;
  std::deque<Frame> frames_;
  std::function<void()> wake_;  // set while the taker waits
};

}  // namespace agenthost::ipc
