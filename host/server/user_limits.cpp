#include "server/user_limits.hpp"

#include <algorithm>
#include <cmath>

namespace agenthost::server {

namespace {
// Sweep full buckets at most once per this many acquisitions.
constexpr std::size_t kSweepEvery = 256;
}  // namespace

namespace {
double rate_of(double runs_per_second) { return std::max(0.0, runs_per_second); }
double burst_of(double runs_per_second) { return std::max(1.0, std::ceil(runs_per_second)); }
}  // namespace

RunRateLimiter::RunRateLimiter(double runs_per_second, std::function<Clock::time_point()> now)
    : rate_(rate_of(runs_per_second)), burst_(burst_of(runs_per_second)), now_(std::move(now)) {}

void RunRateLimiter::set_rate(double runs_per_second) {
  std::lock_guard lock(mutex_);
  rate_ = rate_of(runs_per_second);
  burst_ = burst_of(runs_per_second);
  buckets_.clear();  // a missing bucket is a full one
}

void RunRateLimiter::refill(Bucket& bucket, Clock::time_point now) const {
  const double elapsed = std::chrono::duration<double>(now - bucket.updated).count();
  if (elapsed > 0) {
    bucket.tokens = std::min(burst_, bucket.tokens + elapsed * rate_);
    bucket.updated = now;
  }
}

void RunRateLimiter::drop_full_buckets(Clock::time_point now) {
  for (auto it = buckets_.begin(); it != buckets_.end();) {
    refill(it->second, now);
    it = it->second.tokens >= burst_ ? buckets_.erase(it) : std::next(it);
  }
}

std::optional<std::chrono::seconds> RunRateLimiter::acquire(const std::string& user_id) {
  const auto now = now_();
  std::lock_guard lock(mutex_);
  if (rate_ <= 0) return std::nullopt;
  if (++acquisitions_since_sweep_ >= kSweepEvery) {
    acquisitions_since_sweep_ = 0;
    drop_full_buckets(now);
  }
  auto [it, inserted] = buckets_.try_emplace(user_id, Bucket{burst_, now});
  Bucket& bucket = it->second;
  if (!inserted) refill(bucket, now);
  if (bucket.tokens >= 1.0) {
    bucket.tokens -= 1.0;
    return std::nullopt;
  }
  const double wait = (1.0 - bucket.tokens) / rate_;
  return std::chrono::seconds(std::max<long long>(1, static_cast<long long>(std::ceil(wait))));
}

std::size_t RunRateLimiter::tracked_users() const {
  std::lock_guard lock(mutex_);
  return buckets_.size();
}

bool ConnectionCounter::try_add(const std::string& user_id) {
  std::lock_guard lock(mutex_);
  auto& count = counts_[user_id];
  if (count >= max_) {
    if (count == 0) counts_.erase(user_id);
    return false;
  }
  ++count;
  return true;
}

void ConnectionCounter::set_limit(std::uint32_t max_per_user) {
  std::lock_guard lock(mutex_);
  max_ = max_per_user;
}

std::uint32_t ConnectionCounter::limit() const {
  std::lock_guard lock(mutex_);
  return max_;
}

void ConnectionCounter::remove(const std::string& user_id) {
  std::lock_guard lock(mutex_);
  auto it = counts_.find(user_id);
  if (it == counts_.end()) return;
  if (--it->second == 0) counts_.erase(it);
}

std::uint32_t ConnectionCounter::count(const std::string& user_id) const {
  std::lock_guard lock(mutex_);
  auto it = counts_.find(user_id);
  return it == counts_.end() ? 0 : it->second;
}

std::size_t ConnectionCounter::users() const {
  std::lock_guard lock(mutex_);
  return counts_.size();
}

}  // namespace agenthost::server
