// ExecutionStateStore: per-user figures never mix, the host-wide ones add up, the
// health summary follows its rules, idle users are evicted after the TTL.
#include <catch2/catch.hpp>

#include "database/run_record.hpp"
#include "execution/execution_state_store.hpp"

using namespace agenthost::execution;
using namespace std::chrono_literals;
namespace rs = agenthost::database::run_status;

namespace {

ExecutionStateStore::Options small_store() {
  ExecutionStateStore::Options o;
  o.idle_user_ttl = 1h;
  o.user_capacity = 2;
  return o;
}

}  // namespace

TEST_CASE("one user's figures never include another user's") {
  ExecutionStateStore store(small_store());
  store.record_submitted("alice");
  store.record_submitted("alice");
  store.record_submitted("bob");
  store.record_started("alice", 2ms);
  store.record_started("bob", 4ms);
  store.record_finished("alice", rs::completed, true, 100ms);
  store.record_finished("bob", rs::failed, true, 300ms);
  store.record_finished("alice", rs::cancelled, false, 0ms);  // cancelled while queued

  const auto alice = store.user_stats("alice").value();
  CHECK(alice.submitted == 2);
  CHECK(alice.started == 1);
  CHECK(alice.completed == 1);
  CHECK(alice.cancelled == 1);
  CHECK(alice.failed == 0);
  CHECK(alice.active == 0);
  CHECK(alice.queued == 0);
  CHECK(alice.duration.count == 1);
  CHECK(alice.duration.max == 100ms);
  CHECK(alice.queue_wait.max == 2ms);

  const auto bob = store.user_stats("bob").value();
  CHECK(bob.submitted == 1);
  CHECK(bob.completed == 0);
  CHECK(bob.failed == 1);
  CHECK(bob.duration.max == 300ms);

  const auto all = store.global_stats();
  CHECK(all.submitted == 3);
  CHECK(all.completed == 1);
  CHECK(all.failed == 1);
  CHECK(all.cancelled == 1);
  CHECK(all.duration.count == 2);
  CHECK(all.duration.min == 100ms);
  CHECK(all.duration.max == 300ms);
  CHECK(all.duration.average() == 200ms);
  CHECK_FALSE(store.user_stats("carol").has_value());
}

TEST_CASE("active, queued and peak follow runs as they move") {
  ExecutionStateStore store(small_store());
  store.record_submitted("alice");
  store.record_submitted("alice");
  CHECK(store.user_stats("alice")->queued == 2);
  store.record_started("alice", 1ms);
  store.record_started("alice", 1ms);
  auto s = store.user_stats("alice").value();
  CHECK(s.queued == 0);
  CHECK(s.active == 2);
  CHECK(s.peak_active == 2);
  store.record_finished("alice", rs::timed_out, true, 5ms);
  store.record_finished("alice", rs::interrupted, true, 5ms);
  s = store.user_stats("alice").value();
  CHECK(s.active == 0);
  CHECK(s.peak_active == 2);
  CHECK(s.timed_out == 1);
  CHECK(s.interrupted == 1);
  CHECK(s.finished() == 2);
}

TEST_CASE("health: score 100 minus penalties, in bands") {
  ExecutionStats s;
  auto h = assess_health(s, 10);
  CHECK(h.score == 100);
  CHECK(h.band == HealthBand::excellent);
  CHECK(h.penalties.empty());

  s.completed = 90;
  s.failed = 10;  // 90 %: below 95 %
  h = assess_health(s, 10);
  CHECK(h.score == 75);
  CHECK(h.band == HealthBand::good);
  REQUIRE(h.penalties.size() == 1);
  CHECK_THAT(h.penalties[0], Catch::Contains("success rate"));

  s.duration.add(31s);
  h = assess_health(s, 10);
  CHECK(h.score == 60);
  CHECK(h.band == HealthBand::degraded);

  s.active = 9;  // 90 % of 10
  h = assess_health(s, 10);
  CHECK(h.score == 50);
  CHECK(h.band == HealthBand::degraded);
  CHECK(h.penalties.size() == 3);

  s.active = 8;  // exactly 80 %: no penalty
  CHECK(assess_health(s, 10).score == 60);

  // Cancellations are the user's choice, not failures.
  ExecutionStats cancelled_only;
  cancelled_only.cancelled = 50;
  cancelled_only.completed = 1;
  CHECK(assess_health(cancelled_only, 10).score == 100);
  CHECK(to_string(HealthBand::critical) == "critical");
}

TEST_CASE("per-user health uses the user's own figures and cap") {
  ExecutionStateStore store(small_store());
  for (int i = 0; i < 4; ++i) {
    store.record_submitted("bad");
    store.record_started("bad", 1ms);
    store.record_finished("bad", rs::failed, true, 1ms);
  }
  store.record_submitted("good");
  store.record_started("good", 1ms);
  store.record_finished("good", rs::completed, true, 1ms);
  CHECK(store.user_health("bad")->score == 75);
  CHECK(store.user_health("good")->score == 100);
  CHECK_FALSE(store.user_health("nobody").has_value());
}

TEST_CASE("per-user health measures load against the cap of the last reload") {
  ExecutionStateStore store(small_store());  // cap 2: both active runs are over 80 %
  for (int i = 0; i < 2; ++i) {
    store.record_submitted("alice");
    store.record_started("alice", 1ms);
  }
  CHECK(store.user_health("alice")->score == 90);
  CHECK(store.user_health("alice")->penalties.at(0) ==
        "2 active runs exceed 80 % of the capacity of 2");
  store.set_user_capacity(10);  // ExecutionEngine::update_limits, on a reload
  CHECK(store.user_health("alice")->score == 100);
}

TEST_CASE("idle users are evicted after the TTL - busy ones and the totals stay") {
  ExecutionStateStore store(small_store());
  store.record_submitted("idle");
  store.record_started("idle", 1ms);
  store.record_finished("idle", rs::completed, true, 1ms);
  store.record_submitted("busy");
  store.record_started("busy", 1ms);
  CHECK(store.user_count() == 2);

  const auto now = ExecutionStateStore::Clock::now();
  CHECK(store.evict_idle(now) == 0);  // not idle long enough yet
  CHECK(store.evict_idle(now + 2h) == 1);
  CHECK(store.user_count() == 1);
  CHECK_FALSE(store.user_stats("idle").has_value());
  CHECK(store.user_stats("busy")->active == 1);
  CHECK(store.global_stats().completed == 1);
}
