#include <catch2/catch.hpp>

#include "server/user_limits.hpp"

using agenthost::server::ConnectionCounter;
using agenthost::server::RunRateLimiter;
using namespace std::chrono_literals;

TEST_CASE("the run rate limit is a token bucket per user") {
  RunRateLimiter::Clock::time_point now{};
  RunRateLimiter limiter(2.0, [&] { return now; });
  CHECK_FALSE(limiter.acquire("alice"));
  CHECK_FALSE(limiter.acquire("alice"));
  auto wait = limiter.acquire("alice");
  REQUIRE(wait);
  CHECK(*wait == 1s);
  // Another user has a bucket of their own.
  CHECK_FALSE(limiter.acquire("bob"));
  now += 500ms;  // one token back
  CHECK_FALSE(limiter.acquire("alice"));
  CHECK(limiter.acquire("alice"));
  now += 10s;  // the bucket fills up to the burst, not beyond
  CHECK_FALSE(limiter.acquire("alice"));
  CHECK_FALSE(limiter.acquire("alice"));
  CHECK(limiter.acquire("alice"));
}

TEST_CASE("slow rates give a Retry-After of several seconds") {
  RunRateLimiter::Clock::time_point now{};
  RunRateLimiter limiter(0.2, [&] { return now; });
  CHECK_FALSE(limiter.acquire("alice"));
  auto wait = limiter.acquire("alice");
  REQUIRE(wait);
  CHECK(*wait == 5s);
}

TEST_CASE("rate 0 means no limit") {
  RunRateLimiter limiter(0);
  for (int i = 0; i < 1000; ++i) CHECK_FALSE(limiter.acquire("alice"));
  CHECK(limiter.tracked_users() == 0);
}

TEST_CASE("buckets of users who stopped starting runs are dropped") {
  RunRateLimiter::Clock::time_point now{};
  RunRateLimiter limiter(1.0, [&] { return now; });
  for (int i = 0; i < 1000; ++i) limiter.acquire("user-" + std::to_string(i));
  CHECK(limiter.tracked_users() <= 1000);
  now += 5s;
  for (int i = 0; i < 300; ++i) limiter.acquire("active");
  CHECK(limiter.tracked_users() <= 2);
}

TEST_CASE("connections are counted per user against the cap") {
  ConnectionCounter counter(2);
  CHECK(counter.try_add("alice"));
  CHECK(counter.try_add("alice"));
  CHECK_FALSE(counter.try_add("alice"));
  CHECK(counter.try_add("bob"));
  CHECK(counter.count("alice") == 2);
  counter.remove("alice");
  CHECK(counter.try_add("alice"));
  counter.remove("alice");
  counter.remove("alice");
  counter.remove("bob");
  CHECK(counter.users() == 0);
  counter.remove("nobody");  // harmless
  CHECK(counter.users() == 0);
}

TEST_CASE("a reload changes the rate for the next run and refills every bucket") {
  RunRateLimiter::Clock::time_point now{};  // the clock never moves: only the reload refills
  RunRateLimiter limiter(1.0, [&] { return now; });
  CHECK_FALSE(limiter.acquire("alice"));
  CHECK(limiter.acquire("alice"));  // burst of 1 spent
  limiter.set_rate(0);
  for (int i = 0; i < 100; ++i) CHECK_FALSE(limiter.acquire("alice"));
  CHECK(limiter.tracked_users() == 0);
  limiter.set_rate(4.0);
  for (int i = 0; i < 4; ++i) CHECK_FALSE(limiter.acquire("alice"));  // the new burst
  const auto wait = limiter.acquire("alice");
  REQUIRE(wait);
  CHECK(*wait == 1s);
  limiter.set_rate(2.0);  // lowered: a full bucket at the new, smaller burst
  CHECK_FALSE(limiter.acquire("alice"));
  CHECK_FALSE(limiter.acquire("alice"));
  CHECK(limiter.acquire("alice"));
}

TEST_CASE("a reload changes the connection cap for the next connection") {
  ConnectionCounter counter(1);
  CHECK(counter.try_add("alice"));
  CHECK_FALSE(counter.try_add("alice"));
  counter.set_limit(2);
  CHECK(counter.limit() == 2);
  CHECK(counter.try_add("alice"));
  counter.set_limit(1);  // the two open ones stay
  CHECK(counter.count("alice") == 2);
  CHECK_FALSE(counter.try_add("alice"));
}
