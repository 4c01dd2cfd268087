// Runs as fibers: a waiting run holds no thread, a stop request wakes it at once, a
// run never changes thread, and the same calls block a plain thread instead.
#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <stop_token>
#include <thread>
#include <vector>

#include <sys/wait.h>
#include <unistd.h>
#include <csignal>

#include "fiber/blocking_pool.hpp"
#include "fiber/fiber_scheduler.hpp"
#include "fiber/fiber_waiter.hpp"
#include "support/wait_until.hpp"

using namespace agenthost::fiber;
using agenthost::testing::wait_until;
using namespace std::chrono_literals;

namespace {

using Clock = std::chrono::steady_clock;

struct Runtime {
  explicit Runtime(std::uint32_t threads) : scheduler({threads, 256 * 1024}) {}
  std::shared_ptr<FiberWaiter> waiter(const std::string& user = "user-a") {
    return std::make_shared<FiberWaiter>(user, blocking);
  }
  BlockingPool blocking{2};
  FiberScheduler scheduler;
};

}  // namespace

TEST_CASE("hundreds of waiting runs share one worker thread, and a stop wakes each at once") {
  Runtime rt(1);
  constexpr int kRuns = 300;
  std::vector<std::stop_source> stops(kRuns);
  std::atomic<int> waiting{0};
  std::atomic<int> woken_early{0};
  std::atomic<int> done{0};
  for (int i = 0; i < kRuns; ++i) {
    auto waiter = rt.waiter();
    rt.scheduler.spawn(waiter, [&, waiter, token = stops[i].get_token()] {
      ++waiting;
      // An hour: only a stop request can end this wait within the test.
      if (!waiter->sleep_until(Clock::now() + 1h, token)) ++woken_early;
      ++done;
    });
  }
  // All of them are inside their wait at once, on a single thread.
  REQUIRE(wait_until([&] { return waiting.load() == kRuns; }));
  CHECK(done.load() == 0);
  for (auto& stop : stops) stop.request_stop();
  REQUIRE(wait_until([&] { return done.load() == kRuns; }));
  CHECK(woken_early.load() == kRuns);
}

TEST_CASE("a wait reaches its deadline and the run resumes on the thread it started on") {
  Runtime rt(2);
  constexpr int kRuns = 50;
  std::atomic<int> done{0};
  std::atomic<int> full_sleeps{0};
  std::atomic<int> same_thread{0};
  for (int i = 0; i < kRuns; ++i) {
    auto waiter = rt.waiter();
    rt.scheduler.spawn(waiter, [&, waiter] {
      const auto before = std::this_thread::get_id();
      for (int step = 0; step < 3; ++step)
        if (waiter->sleep_until(Clock::now() + 2ms, std::stop_token{})) ++full_sleeps;
      if (std::this_thread::get_id() == before) ++same_thread;
      ++done;
    });
  }
  REQUIRE(wait_until([&] { return done.load() == kRuns; }));
  CHECK(full_sleeps.load() == 3 * kRuns);
  CHECK(same_thread.load() == kRuns);
}

TEST_CASE("run_blocking runs on the blocking pool while the worker thread carries other runs") {
  Runtime rt(1);
  std::mutex mutex;
  std::condition_variable changed;
  bool release = false;
  std::atomic<bool> other_ran{false};
  std::atomic<bool> blocked_done{false};
  std::thread::id worker_thread;
  std::thread::id blocking_thread;

  auto first = rt.waiter();
  rt.scheduler.spawn(first, [&, first] {
    worker_thread = std::this_thread::get_id();
    const int answer = [&] {
      int value = 0;
      first->run_blocking([&] {
        blocking_thread = std::this_thread::get_id();
        std::unique_lock lock(mutex);
        changed.wait(lock, [&] { return release; });  // blocks the pool thread, not the worker
        value = 42;
      });
      return value;
    }();
    CHECK(answer == 42);
    blocked_done = true;
  });
  auto second = rt.waiter();
  rt.scheduler.spawn(second, [&] { other_ran = true; });
  // The second run completes while the first one's blocking call is still held.
  REQUIRE(wait_until([&] { return other_ran.load(); }));
  CHECK_FALSE(blocked_done.load());
  {
    std::lock_guard lock(mutex);
    release = true;
  }
  changed.notify_all();
  REQUIRE(wait_until([&] { return blocked_done.load(); }));
  CHECK(worker_thread != blocking_thread);
}

TEST_CASE("run_blocking rethrows on the run what the work threw") {
  Runtime rt(1);
  std::atomic<bool> caught{false};
  auto waiter = rt.waiter();
  rt.scheduler.spawn(waiter, [&, waiter] {
    try {
      waiter->run_blocking([] { throw std::runtime_error("disk on fire"); });
    } catch (const std::runtime_error& e) {
      caught = std::string(e.what()) == "disk on fire";
    }
  });
  CHECK(wait_until([&] { return caught.load(); }));
}

TEST_CASE("await: completion from another thread, or a stop that cancels the operation") {
  Runtime rt(1);
  std::atomic<int> outcome{-1};
  std::function<void()> complete;
  std::mutex mutex;
  std::stop_source stop;
  std::atomic<bool> cancelled{false};

  auto completes = rt.waiter();
  rt.scheduler.spawn(completes, [&, completes] {
    outcome = completes->await(
        [&](std::function<void()> wake) {
          std::lock_guard lock(mutex);
          complete = std::move(wake);
        },
        [] { return false; }, std::stop_token{});
  });
  REQUIRE(wait_until([&] {
    std::lock_guard lock(mutex);
    return static_cast<bool>(complete);
  }));
  std::thread([&] {
    std::lock_guard lock(mutex);
    complete();
  }).join();
  REQUIRE(wait_until([&] { return outcome.load() != -1; }));
  CHECK(outcome.load() == 1);

  std::atomic<int> stopped_outcome{-1};
  auto stopped = rt.waiter();
  rt.scheduler.spawn(stopped, [&, stopped] {
    stopped_outcome = stopped->await([](std::function<void()>) {},  // never completes
                                     [&] { return cancelled = true; }, stop.get_token());
  });
  stop.request_stop();
  REQUIRE(wait_until([&] { return stopped_outcome.load() != -1; }));
  CHECK(stopped_outcome.load() == 0);
  CHECK(cancelled.load());
}

TEST_CASE("called off the run's fiber, the same waits block the calling thread") {
  BlockingPool blocking(1);
  FiberWaiter waiter("user-a", blocking);
  CHECK_FALSE(waiter.on_fiber());
  CHECK(waiter.sleep_until(Clock::now() + 1ms, std::stop_token{}));

  std::stop_source stop;
  std::atomic<bool> returned{false};
  bool slept_fully = true;
  std::thread sleeper([&] {
    slept_fully = waiter.sleep_until(Clock::now() + 1h, stop.get_token());
    returned = true;
  });
  stop.request_stop();
  sleeper.join();
  CHECK(returned.load());
  CHECK_FALSE(slept_fully);

  int ran_here = 0;
  waiter.run_blocking([&] { ran_here = 7; });
  CHECK(ran_here == 7);
}

namespace {

// Deep enough to run through any fixed stack: each frame holds 1 KiB the compiler
// cannot drop.
int recurse(int depth) {
  volatile char frame[1024];
  frame[0] = static_cast<char>(depth);
  return depth > 1'000'000 ? frame[0] : recurse(depth + 1) + frame[0];
}

}  // namespace

TEST_CASE("a run that overflows its stack hits the guard page: the process dies, nothing else") {
  const pid_t child = fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    {
      BlockingPool blocking(1);
      FiberScheduler scheduler({1, 64 * 1024});
      std::atomic<int> result{0};
      scheduler.spawn(std::make_shared<FiberWaiter>("user-a", blocking),
                      [&] { result = recurse(0); });
    }
    _exit(0);  // reached only if the overflow went unnoticed
  }
  int status = 0;
  pid_t reaped = 0;
  REQUIRE(wait_until([&] { return (reaped = waitpid(child, &status, WNOHANG)) != 0; }));
  REQUIRE(reaped == child);
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
  // The sanitizer reports the overflow and ends the process its own way.
  CHECK_FALSE((WIFEXITED(status) && WEXITSTATUS(status) == 0));
#else
  REQUIRE(WIFSIGNALED(status));
  CHECK(WTERMSIG(status) == SIGSEGV);
#endif
}
