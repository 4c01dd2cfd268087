#include "ipc/run_inbox.hpp"

#include <stop_token>
#include <utility>

namespace agenthost::ipc {

void RunInbox::push(Frame frame) {
  std::function<void()> wake;
  {
    std::lock_guard lock(mutex_);
    frames_.push_back(std::move(frame));
    wake = std::exchange(wake_, nullptr);
  }
  if (wake) wake();
}

Frame RunInbox::take(fiber::FiberWaiter& waiter) {
  waiter.pause_point();
  for (;;) {
    {
      std::lock_guard lock(mutex_);
      if (!frames_.empty()) {
        Frame frame = std::move(frames_.front());
        frames_.pop_front();
        return frame;
      }
    }
    // Never stopped from outside: whoever ends the run tells it through a frame.
    waiter.await(
        [this](std::function<void()> wake) {
          std::unique_lock lock(mutex_);
          if (!frames_.empty()) {
            lock.unlock();
            wake();
            return;
          }
          wake_ = std::move(wake);
        },
        [] { return false; }, std::stop_token{});
  }
}

}  // namespace agenthost::ipc
