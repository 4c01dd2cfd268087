#include "execution/execution_state_store.hpp"

#include <algorithm>

#include "database/run_record.hpp"

namespace agenthost::execution {
namespace {

void count_end(ExecutionStats& s, std::string_view status) {
  namespace rs = database::run_status;
  if (status == rs::completed)
    ++s.completed;
  else if (status == rs::cancelled)
    ++s.cancelled;
  else if (status == rs::timed_out)
    ++s.timed_out;
  else if (status == rs::interrupted)
    ++s.interrupted;
  else
    ++s.failed;
}

void apply_start(ExecutionStats& s, std::chrono::microseconds queue_wait) {
  if (s.queued > 0) --s.queued;
  ++s.active;
  ++s.started;
  s.peak_active = std::max(s.peak_active, s.active);
  s.queue_wait.add(queue_wait);
}

void apply_finish(ExecutionStats& s, std::string_view status, bool started,
                  std::chrono::microseconds duration) {
  if (started) {
    if (s.active > 0) --s.active;
    s.duration.add(duration);
  } else if (s.queued > 0) {
    --s.queued;
  }
  count_end(s, status);
}

}  // namespace

ExecutionStateStore::ExecutionStateStore(Options options)
    : options_(options),
      sweep_interval_(
          std::min(options.idle_user_ttl, std::chrono::milliseconds(std::chrono::minutes(1)))),
      user_capacity_(options.user_capacity),
      last_sweep_(Clock::now()) {}

ExecutionStateStore::UserEntry& ExecutionStateStore::entry(const std::string& user_id,
                                                           Clock::time_point now) {
  auto& e = users_[user_id];
  e.last_activity = now;
  return e;
}

void ExecutionStateStore::record_submitted(const std::string& user_id) {
  const auto now = Clock::now();
  std::lock_guard lock(mutex_);
  auto& e = entry(user_id, now);
  ++e.stats.submitted;
  ++e.stats.queued;
  ++global_.submitted;
  ++global_.queued;
  maybe_sweep(now);
}

void ExecutionStateStore::record_started(const std::string& user_id,
                                         std::chrono::microseconds queue_wait) {
  const auto now = Clock::now();
  std::lock_guard lock(mutex_);
  apply_start(entry(user_id, now).stats, queue_wait);
  apply_start(global_, queue_wait);
}

void ExecutionStateStore::record_finished(const std::string& user_id, std::string_view status,
                                          bool started, std::chrono::microseconds duration) {
  const auto now = Clock::now();
  std::lock_guard lock(mutex_);
  apply_finish(entry(user_id, now).stats, status, started, duration);
  apply_finish(global_, status, started, duration);
  maybe_sweep(now);
}

ExecutionStats ExecutionStateStore::global_stats() const {
  std::lock_guard lock(mutex_);
  return global_;
}

std::optional<ExecutionStats> ExecutionStateStore::user_stats(std::string_view user_id) const {
  std::lock_guard lock(mutex_);
  auto it = users_.find(user_id);
  if (it == users_.end()) return std::nullopt;
  return it->second.stats;
}

std::optional<HealthSummary> ExecutionStateStore::user_health(std::string_view user_id) const {
  std::lock_guard lock(mutex_);
  auto it = users_.find(user_id);
  if (it == users_.end()) return std::nullopt;
  return assess_health(it->second.stats, user_capacity_);
}

void ExecutionStateStore::set_user_capacity(std::uint32_t capacity) {
  std::lock_guard lock(mutex_);
  user_capacity_ = capacity;
}

std::size_t ExecutionStateStore::evict_idle(Clock::time_point now) {
  std::lock_guard lock(mutex_);
  return evict_locked(now);
}

std::size_t ExecutionStateStore::user_count() const {
  std::lock_guard lock(mutex_);
  return users_.size();
}

void ExecutionStateStore::maybe_sweep(Clock::time_point now) {
  if (now - last_sweep_ < sweep_interval_) return;
  evict_locked(now);
}

std::size_t ExecutionStateStore::evict_locked(Clock::time_point now) {
  last_sweep_ = now;
  return std::erase_if(users_, [&](const auto& kv) {
    const auto& e = kv.second;
    return e.stats.active == 0 && e.stats.queued == 0 &&
           now - e.last_activity >= options_.idle_user_ttl;
  });
}

}  // namespace agenthost::execution
