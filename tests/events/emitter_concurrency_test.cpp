// Two or more agent threads may emit into one run at once: seq must still be 1..N with
// no gap or repeat, and the store and the subscribers must see seq order.

#include <catch2/catch.hpp>

#include <agenthost/event_emitter.hpp>

#include <atomic>
#include <latch>
#include <map>
#include <memory>
#include <thread>
#include <vector>

#include "event_test_support.hpp"
#include "events/event_router.hpp"
#include "events/user_event_emitter.hpp"

namespace ev = agenthost::events;
using ev::test::make_context;
using ev::test::RecordingSink;
using ev::test::RecordingStore;

TEST_CASE("8 threads emitting at once get seq 1..N, stored and delivered in seq order",
          "[emitter][concurrency]") {
  constexpr int kThreads = 8;
  constexpr int kPerThread = 5000;
  constexpr std::size_t kTotal = kThreads * kPerThread;

  RecordingStore store;
  ev::EventRouter router;
  auto sink = std::make_shared<RecordingSink>();
  auto subscription = router.subscribe("alice", "run-c", sink);
  ev::UserEventEmitter emitter(make_context("alice", "run-c"), store, router);

  std::latch start(kThreads);
  std::vector<std::jthread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      start.arrive_and_wait();
      for (int i = 0; i < kPerThread; ++i)
        emitter.emit("agent_thinking", {{"thread", t}, {"i", i}});
    });
  }
  threads.clear();  // joins

  const auto stored = store.log.events();
  const auto delivered = sink->log.events();
  REQUIRE(stored.size() == kTotal);
  REQUIRE(delivered.size() == kTotal);
  std::map<std::int64_t, std::int64_t> last_i;  // per thread, the last i seen in seq order
  for (std::size_t n = 0; n < kTotal; ++n) {
    INFO("position " << n);
    REQUIRE(stored[n]->seq == n + 1);  // strictly increasing from 1, no gap, no repeat
    REQUIRE(delivered[n] == stored[n]);
    const auto thread = stored[n]->payload.at("thread").as_int64();
    const auto i = stored[n]->payload.at("i").as_int64();
    const auto previous = last_i.find(thread);
    // Each thread's own events keep that thread's order.
    REQUIRE(i == (previous == last_i.end() ? 0 : previous->second + 1));
    last_i[thread] = i;
  }
  CHECK(emitter.last_seq() == kTotal);
  CHECK(emitter.emitted_count() == kTotal);
}

TEST_CASE("close() racing emitters: no gap, and nothing stored after close returns",
          "[emitter][concurrency]") {
  constexpr int kThreads = 4;
  RecordingStore store;
  ev::EventRouter router;
  auto sink = std::make_shared<RecordingSink>();
  auto subscription = router.subscribe("alice", "run-close", sink);
  ev::UserEventEmitter emitter(make_context("alice", "run-close"), store, router);

  std::atomic<int> ended{0};
  std::latch start(kThreads + 1);
  std::vector<std::jthread> threads;
  for (int t = 0; t < kThreads; ++t) {
    // The stop token only matters if a REQUIRE fails first: the jthreads then stop.
    threads.emplace_back([&](std::stop_token stop) {
      start.arrive_and_wait();
      try {
        while (!stop.stop_requested()) emitter.emit("agent_thinking", {});
        return;
      } catch (const agenthost::RunEnded&) {
        ended.fetch_add(1);
      }
    });
  }
  start.arrive_and_wait();
  REQUIRE(store.log.wait_for(500));  // the emitters are well under way
  emitter.close();
  const std::size_t at_close = store.log.size();
  for (auto& t : threads) t.join();  // join() without a stop request: each must hit RunEnded

  CHECK(ended.load() == kThreads);  // every emitter saw RunEnded
  CHECK(store.log.size() == at_close);
  const auto stored = store.log.events();
  for (std::size_t n = 0; n < stored.size(); ++n) REQUIRE(stored[n]->seq == n + 1);
  CHECK(emitter.last_seq() == stored.size());
  CHECK(sink->log.size() == stored.size());
}

TEST_CASE("a terminal event racing agent emits is always the last one", "[emitter][concurrency]") {
  RecordingStore store;
  ev::EventRouter router;
  ev::UserEventEmitter emitter(make_context("alice", "run-t"), store, router);

  std::latch start(3);
  std::vector<std::jthread> threads;
  for (int t = 0; t < 2; ++t) {
    // The stop token only matters if a REQUIRE fails first: the jthreads then stop.
    threads.emplace_back([&](std::stop_token stop) {
      start.arrive_and_wait();
      try {
        while (!stop.stop_requested()) emitter.emit("agent_thinking", {});
      } catch (const agenthost::RunEnded&) {
      }
    });
  }
  start.arrive_and_wait();
  REQUIRE(store.log.wait_for(200));
  const auto death = emitter.emit_terminal("agent_death", {{"death_cause", "timeout"}});
  for (auto& t : threads) t.join();

  const auto stored = store.log.events();
  REQUIRE_FALSE(stored.empty());
  CHECK(stored.back() == death);
  CHECK(death->seq == stored.size());
}
