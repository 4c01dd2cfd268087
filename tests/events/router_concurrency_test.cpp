// Subscribe, unsubscribe and publish from several threads at once. Meant to be run
// under ThreadSanitizer too: every path touches the shared maps concurrently.

#include <catch2/catch.hpp>

#include <atomic>
#include <latch>
#include <memory>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "event_test_support.hpp"
#include "events/event_router.hpp"

namespace ev = agenthost::events;

namespace {

constexpr int kRuns = 16;
constexpr int kPublishers = 4;  // each publishes the runs r with r % kPublishers == its index
constexpr int kChurners = 3;
constexpr std::uint64_t kMinEventsPerRun = 500;
constexpr int kChurnOperations = 3000;  // per churner

std::string run_id(int r) { return "run-" + std::to_string(r); }
std::string owner(int r) { return "user-" + std::to_string(r % 5); }
std::string stranger(int r) { return "user-" + std::to_string(r % 5 + 100); }

struct Violations {
  std::atomic<int> wrong_user{0};
  std::atomic<int> wrong_run{0};
  std::atomic<int> out_of_order{0};
};

// Checks every delivery against what it subscribed to; counts (no Catch macros off
// the main thread: Catch 2 is not thread-safe).
class CheckingSink final : public ev::EventSink {
 public:
  CheckingSink(std::string user, std::string run, Violations& v)
      : user_(std::move(user)), run_(std::move(run)), v_(v) {}

  void deliver(const ev::EventPtr& e) noexcept override {
    if (e->user_id != user_) v_.wrong_user.fetch_add(1);
    if (e->run_id != run_) v_.wrong_run.fetch_add(1);
    // One run is published by one thread, so a sink sees strictly increasing seqs.
    if (e->seq <= last_seq_.load(std::memory_order_relaxed)) v_.out_of_order.fetch_add(1);
    last_seq_.store(e->seq, std::memory_order_relaxed);
    received_.fetch_add(1, std::memory_order_relaxed);
  }

  std::uint64_t received() const { return received_.load(); }
  std::uint64_t last_seq() const { return last_seq_.load(); }

 private:
  const std::string user_;
  const std::string run_;
  Violations& v_;
  std::atomic<std::uint64_t> last_seq_{0};
  std::atomic<std::uint64_t> received_{0};
};

}  // namespace

TEST_CASE("concurrent subscribe, unsubscribe and publish keep isolation and lose nothing",
          "[router][concurrency]") {
  ev::EventRouter router;
  Violations violations;

  // Subscribed before publishing starts and kept to the end: must get every event.
  std::vector<std::shared_ptr<CheckingSink>> steady;
  std::vector<std::shared_ptr<CheckingSink>> strangers;
  std::vector<ev::EventRouter::Subscription> steady_handles;
  for (int r = 0; r < kRuns; ++r) {
    steady.push_back(std::make_shared<CheckingSink>(owner(r), run_id(r), violations));
    steady_handles.push_back(router.subscribe(owner(r), run_id(r), steady.back()));
    strangers.push_back(std::make_shared<CheckingSink>(stranger(r), run_id(r), violations));
    steady_handles.push_back(router.subscribe(stranger(r), run_id(r), strangers.back()));
  }
  const std::size_t steady_count = router.subscription_count();
  REQUIRE(steady_count == 2 * kRuns);

  // Publishers keep going while any churner is still busy, so the two overlap
  // whatever the scheduling; each records how many events it published per run.
  std::atomic<int> churners_left{kChurners};
  std::vector<std::atomic<std::uint64_t>> published(kRuns);
  std::atomic<std::uint64_t> churn_subscriptions{0};
  std::latch start(kPublishers + kChurners);
  {
    std::vector<std::jthread> threads;
    for (int p = 0; p < kPublishers; ++p) {
      threads.emplace_back([&, p] {
        start.arrive_and_wait();
        std::uint64_t seq = 1;
        for (; seq <= kMinEventsPerRun || churners_left.load() > 0; ++seq) {
          for (int r = p; r < kRuns; r += kPublishers) {
            auto e = std::make_shared<ev::Event>();
            e->type = "agent_thinking";
            e->user_id = owner(r);
            e->run_id = run_id(r);
            e->seq = seq;
            router.publish(e);
          }
        }
        for (int r = p; r < kRuns; r += kPublishers) published[r].store(seq - 1);
      });
    }
    for (int c = 0; c < kChurners; ++c) {
      threads.emplace_back([&, c] {
        std::mt19937 random(static_cast<unsigned>(c) * 7919u + 1u);
        std::uniform_int_distribution<int> pick_run(0, kRuns - 1);
        std::uniform_int_distribution<int> pick_action(0, 3);
        std::vector<std::pair<std::shared_ptr<CheckingSink>, ev::EventRouter::Subscription>> held;
        start.arrive_and_wait();
        for (int op = 0; op < kChurnOperations; ++op) {
          const int r = pick_run(random);
          switch (pick_action(random)) {
            case 0:  // the run's owner joins, for a while
            case 1: {
              auto sink = std::make_shared<CheckingSink>(owner(r), run_id(r), violations);
              auto handle = router.subscribe(owner(r), run_id(r), sink);
              held.emplace_back(std::move(sink), std::move(handle));
              churn_subscriptions.fetch_add(1);
              break;
            }
            case 2: {  // someone else tries the same run id, and leaves at once
              auto sink = std::make_shared<CheckingSink>(stranger(r), run_id(r), violations);
              auto handle = router.subscribe(stranger(r), run_id(r), sink);
              churn_subscriptions.fetch_add(1);
              break;
            }
            default:  // the oldest session leaves (its sink dies before its handle)
              if (!held.empty()) {
                held.front().first.reset();
                held.erase(held.begin());
              }
          }
          if (held.size() > 8) held.erase(held.begin());
        }
        held.clear();
        churners_left.fetch_sub(1);
      });
    }
  }  // joins every thread

  CHECK(violations.wrong_user.load() == 0);
  CHECK(violations.wrong_run.load() == 0);
  CHECK(violations.out_of_order.load() == 0);
  for (int r = 0; r < kRuns; ++r) {
    INFO(run_id(r));
    CHECK(published[r].load() >= kMinEventsPerRun);
    CHECK(steady[r]->received() == published[r].load());  // nothing dropped
    CHECK(steady[r]->last_seq() == published[r].load());
    CHECK(strangers[r]->received() == 0);  // nothing leaked
  }
  CHECK(churn_subscriptions.load() > 0);

  CHECK(router.subscription_count() == steady_count);
  steady_handles.clear();
  CHECK(router.subscription_count() == 0);
  CHECK(router.run_count() == 0);
}

TEST_CASE("many short-lived runs leave nothing behind", "[router][concurrency]") {
  ev::EventRouter router;
  Violations violations;
  constexpr int kThreads = 4;
  constexpr int kRunsPerThread = 2000;
  std::latch start(kThreads);
  {
    std::vector<std::jthread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&, t] {
        start.arrive_and_wait();
        for (int i = 0; i < kRunsPerThread; ++i) {
          const std::string run = "run-" + std::to_string(t) + "-" + std::to_string(i);
          const std::string user = "user-" + std::to_string(t);
          auto sink = std::make_shared<CheckingSink>(user, run, violations);
          auto handle = router.subscribe(user, run, sink);
          auto e = std::make_shared<ev::Event>();
          e->user_id = user;
          e->run_id = run;
          e->seq = 1;
          router.publish(e);
          if (sink->received() != 1) violations.out_of_order.fetch_add(1);
        }
      });
    }
  }
  CHECK(violations.wrong_user.load() == 0);
  CHECK(violations.wrong_run.load() == 0);
  CHECK(violations.out_of_order.load() == 0);
  CHECK(router.subscription_count() == 0);
  CHECK(router.run_count() == 0);
}
