#include "execution/run_timer.hpp"

#include <utility>
#include <vector>

#include "threads/thread_name.hpp"

namespace agenthost::execution {

RunTimer::RunTimer() : thread_(threads::start_named("ah-run-timer", [this] { loop(); })) {}

RunTimer::~RunTimer() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  changed_.notify_all();
  thread_.join();
}

std::uint64_t RunTimer::schedule(Clock::time_point deadline, std::weak_ptr<RunControl> control,
                                 events::DeathCause cause) {
  return schedule(deadline, [control = std::move(control), cause] {
    if (auto c = control.lock()) c->request_stop(cause);
  });
}

std::uint64_t RunTimer::schedule(Clock::time_point deadline, std::function<void()> fire) {
  std::uint64_t id;
  bool earliest;
  {
    std::lock_guard lock(mutex_);
    id = next_id_++;
    auto it = queue_.emplace(deadline, Deadline{id, std::move(fire)});
    by_id_.emplace(id, it);
    earliest = it == queue_.begin();
  }
  if (earliest) changed_.notify_all();
  return id;
}

void RunTimer::cancel(std::uint64_t id) {
  std::lock_guard lock(mutex_);
  auto it = by_id_.find(id);
  if (it == by_id_.end()) return;
  queue_.erase(it->second);
  by_id_.erase(it);
}

std::size_t RunTimer::pending() const {
  std::lock_guard lock(mutex_);
  return queue_.size();
}

void RunTimer::loop() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    if (queue_.empty()) {
      changed_.wait(lock);
      continue;
    }
    const auto next = queue_.begin()->first;
    if (Clock::now() < next) {
      changed_.wait_until(lock, next);
      continue;
    }
    std::vector<Deadline> due;
    const auto now = Clock::now();
    while (!queue_.empty() && queue_.begin()->first <= now) {
      auto it = queue_.begin();
      by_id_.erase(it->second.id);
      due.push_back(std::move(it->second));
      queue_.erase(it);
    }
    // Stop requests run stop callbacks (an SQL interrupt): not under the lock.
    lock.unlock();
    for (auto& deadline : due) deadline.fire();
    due.clear();  // what a callback held is let go outside the lock too
    lock.lock();
  }
}

}  // namespace agenthost::execution
