// ExecutionEngine: the queue bookkeeping, always under the engine's lock.
#include <algorithm>

#include "execution/execution_engine.hpp"

namespace agenthost::execution {

UserExecutionEngine& ExecutionEngine::user_locked(const std::string& user_id) {
  return users_
      .try_emplace(user_id, user_id, limits_.max_concurrent_runs_per_user,
                   limits_.max_queued_runs_per_user)
      .first->second;
}

void ExecutionEngine::rotate_in_locked(UserExecutionEngine& user) {
  if (user.in_rotation || !user.can_start()) return;
  rotation_.push_back(&user);
  user.in_rotation = true;
}

void ExecutionEngine::make_ready_locked(const std::shared_ptr<RunEntry>& run) {
  run->phase = RunEntry::Phase::ready;
  auto& user = users_.at(run->user_id());
  user.push_ready(run);
  rotate_in_locked(user);
}

void ExecutionEngine::release_thread_locked(const std::shared_ptr<RunEntry>& run) {
  auto it = threads_.find(run->thread_id());
  if (it == threads_.end()) return;
  auto& slot = it->second;
  if (slot.current != run) return;
  slot.current = nullptr;
  if (!slot.waiting.empty()) {
    slot.current = std::move(slot.waiting.front());
    slot.waiting.pop_front();
    make_ready_locked(slot.current);
  }
}

void ExecutionEngine::detach_unstarted_locked(const std::shared_ptr<RunEntry>& run) {
  auto& user = users_.at(run->user_id());
  auto& slot = threads_.at(run->thread_id());
  if (run->phase == RunEntry::Phase::ready) {
    user.remove_ready(*run);
    release_thread_locked(run);
  } else {
    std::erase(slot.waiting, run);
  }
  user.remove_queued();
  run->phase = RunEntry::Phase::ending;
}

void ExecutionEngine::drop_if_idle_locked(const std::string& user_id,
                                          const std::string& thread_id) {
  if (auto t = threads_.find(thread_id); t != threads_.end() && !t->second.busy())
    threads_.erase(t);
  auto u = users_.find(user_id);
  if (u == users_.end() || !u->second.idle()) return;
  if (u->second.in_rotation) std::erase(rotation_, &u->second);
  users_.erase(u);
}

ExecutionEngine::Occupancy ExecutionEngine::occupancy() const {
  Occupancy o;
  {
    std::lock_guard lock(mutex_);
    o.runs = runs_.size();
    o.users = users_.size();
    o.threads = threads_.size();
    o.active = active_runs_;
    o.waiting_input = waiting_input_runs_;
  }
  o.timers = timer_.pending();
  return o;
}

}  // namespace agenthost::execution
