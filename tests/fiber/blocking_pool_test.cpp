// BlockingPool: tasks run on the pool's threads, fairly by user; queued tasks can be
// cancelled, running ones cannot.
#include <catch2/catch.hpp>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <string>
#include <vector>

#include "fiber/blocking_pool.hpp"
#include "support/wait_until.hpp"

using agenthost::fiber::BlockingPool;
using agenthost::testing::wait_until;

namespace {

// Holds the pool's only thread until released, so the test decides what is queued.
struct Gate {
  std::mutex mutex;
  std::condition_variable opened;
  bool open = false;
  std::atomic<bool> entered{false};

  void pass() {
    entered = true;
    std::unique_lock lock(mutex);
    opened.wait(lock, [&] { return open; });
  }
  void release() {
    {
      std::lock_guard lock(mutex);
      open = true;
    }
    opened.notify_all();
  }
};

}  // namespace

TEST_CASE("the blocking pool serves users in turn") {
  BlockingPool pool(1);
  Gate gate;
  pool.submit("hog", [&] { gate.pass(); });
  REQUIRE(wait_until([&] { return gate.entered.load(); }));

  std::mutex mutex;
  std::vector<std::string> order;
  auto record = [&](std::string name) {
    return [&, name] {
      std::lock_guard lock(mutex);
      order.push_back(name);
    };
  };
  for (int i = 0; i < 20; ++i) pool.submit("hog", record("hog"));
  pool.submit("bob", record("bob"));
  CHECK(pool.queued() == 21);
  gate.release();
  REQUIRE(wait_until([&] {
    std::lock_guard lock(mutex);
    return order.size() == 21;
  }));
  std::lock_guard lock(mutex);
  CHECK(order[0] == "hog");
  CHECK(order[1] == "bob");
}

TEST_CASE("a queued blocking task can be cancelled, a running one cannot") {
  BlockingPool pool(1);
  Gate gate;
  const auto running = pool.submit("u", [&] { gate.pass(); });
  REQUIRE(wait_until([&] { return gate.entered.load(); }));
  std::atomic<bool> ran{false};
  const auto queued = pool.submit("u", [&] { ran = true; });
  CHECK(pool.cancel(queued));
  CHECK_FALSE(pool.cancel(queued));
  CHECK_FALSE(pool.cancel(running));
  gate.release();
  std::atomic<bool> after{false};
  pool.submit("u", [&] { after = true; });
  REQUIRE(wait_until([&] { return after.load(); }));
  CHECK_FALSE(ran.load());
}

TEST_CASE("a task that throws does not take its thread down") {
  BlockingPool pool(1);
  pool.submit("u", [] { throw std::runtime_error("task failure"); });
  std::atomic<bool> next{false};
  pool.submit("u", [&] { next = true; });
  CHECK(wait_until([&] { return next.load(); }));
}
