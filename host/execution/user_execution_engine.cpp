#include "execution/user_execution_engine.hpp"

#include <algorithm>
#include <cassert>
#include <utility>

namespace agenthost::execution {

UserExecutionEngine::UserExecutionEngine(std::string user_id, std::uint32_t max_concurrent,
                                         std::uint32_t max_queued)
    : user_id_(std::move(user_id)), max_concurrent_(max_concurrent), max_queued_(max_queued) {}

void UserExecutionEngine::remove_queued() noexcept {
  assert(queued_ > 0);
  if (queued_ > 0) --queued_;
}

void UserExecutionEngine::push_ready(std::shared_ptr<RunEntry> run) {
  ready_.push_back(std::move(run));
}

bool UserExecutionEngine::remove_ready(const RunEntry& run) {
  auto it =
      std::find_if(ready_.begin(), ready_.end(), [&](const auto& r) { return r.get() == &run; });
  if (it == ready_.end()) return false;
  ready_.erase(it);
  return true;
}

std::shared_ptr<RunEntry> UserExecutionEngine::start_next() {
  assert(can_start());
  auto run = std::move(ready_.front());
  ready_.pop_front();
  if (queued_ > 0) --queued_;
  ++active_;
  return run;
}

bool UserExecutionEngine::begin_waiting(std::uint32_t max_waiting) noexcept {
  if (waiting_ >= max_waiting) return false;
  ++waiting_;
  if (active_ > 0) --active_;
  return true;
}

void UserExecutionEngine::end_waiting() noexcept {
  assert(waiting_ > 0);
  if (waiting_ > 0) --waiting_;
  ++active_;
}

void UserExecutionEngine::finish_active() noexcept {
  assert(active_ > 0);
  if (active_ > 0) --active_;
}

}  // namespace agenthost::execution
