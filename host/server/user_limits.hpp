#pragma once
/// \file
/// Per-user limits of the network front. RunRateLimiter: runs per second per user, a token bucket
/// per user (burst: one second's worth, at least one run). Shared by POST /v1/runs and start_run
/// frames. Thread-safe. Buckets of users who stopped starting runs are dropped, so the map does not
/// grow with the number of users ever seen.

#include <chrono>
#include <cstddef>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace agenthost::server {

class RunRateLimiter {
 public:
  using Clock = std::chrono::steady_clock;

  /// `runs_per_second` 0 turns limiting off. `now` is injectable for tests.
  explicit RunRateLimiter(double runs_per_second,
                          std::function<Clock::time_point()> now = Clock::now);

  /// Takes one run from `user_id`'s bucket: nullopt when allowed, otherwise how long
  /// until the next run would be (rounded up to whole seconds, at least 1, for
  /// Retry-After).
  std::optional<std::chrono::seconds> acquire(const std::string& user_id);

  /// A new rate (a reload), taken by the next acquire(); 0 turns limiting off.
  /// Every user starts again with a full bucket at the new burst: an operator who
  /// raises the limit unblocks users at once, and one who lowers it does not punish
  /// them for runs started under the old one.
  void set_rate(double runs_per_second);

  /// Users with a bucket that is not full (for the tests of the clean-up).
  std::size_t tracked_users() const;

 private:
  struct Bucket {
    double tokens;
    Clock::time_point updated;
  };
  void refill(Bucket& bucket, Clock::time_point now) const;
  void drop_full_buckets(Clock::time_point now);

  double rate_;   // guarded by mutex_
  double burst_;  // guarded by mutex_
  const std::function<Clock::time_point()> now_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, Bucket> buckets_;
  std::size_t acquisitions_since_sweep_ = 0;
};

/// Counts each user's open WebSocket connections against a cap. Thread-safe; users
/// with no connection are not kept.
class ConnectionCounter {
 public:
  explicit ConnectionCounter(std::uint32_t max_per_user) : max_(max_per_user) {}

  /// Counts one more connection of `user_id`; false (nothing counted) at the cap.
  bool try_add(const std::string& user_id);
  /// Undoes one successful try_add.
  void remove(const std::string& user_id);

  std::uint32_t count(const std::string& user_id) const;
  std::size_t users() const;

  /// A new cap (a reload) for later try_add() calls; connections over it stay open.
  void set_limit(std::uint32_t max_per_user);
  std::uint32_t limit() const;

 private:
  std::uint32_t max_;  // guarded by mutex_
  mutable std::mutex mutex_;
  std::unordered_map<std::string, std::uint32_t> counts_;
};

}  // namespace agenthost::server
