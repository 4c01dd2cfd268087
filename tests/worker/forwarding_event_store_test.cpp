// ForwardingEventStore: a run's events go to the supervisor as frames, and a run that
// emits in a loop lets the other runs on its worker thread go on.
#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <memory>
#include <thread>

#include "fiber/blocking_pool.hpp"
#include "fiber/fiber_scheduler.hpp"
#include "fiber/fiber_waiter.hpp"
#include "ipc/channel.hpp"
#include "support/wait_until.hpp"
#include "worker/forwarding_event_store.hpp"

using namespace agenthost;
using agenthost::testing::wait_until;
using namespace std::chrono_literals;

namespace {

events::EventPtr event_of(const std::string& run_id, int i) {
  auto e = std::make_shared<events::Event>();
  e->type = "agent_thinking";
  e->run_id = run_id;
  e->payload = boost::json::object{{"i", i}};
  return e;
}

}  // namespace

TEST_CASE("a run that emits in a loop lets the other runs on its worker thread go on") {
  auto [worker_end, supervisor_end] = ipc::open_channel_pair();
  ipc::Channel worker(worker_end), supervisor(supervisor_end);
  std::atomic<int> received{0};
  std::thread reader([&] { supervisor.read_frames([&](ipc::Frame&&) { ++received; }); });

  fiber::BlockingPool pool(1);
  fiber::FiberScheduler scheduler({1, 256 * 1024});
  // The one thread is held until both runs are queued on it, the emitter's first.
  std::atomic<bool> go{false};
  std::atomic<int> sent{0}, sent_when_other_ran{-1}, done{0};
  scheduler.spawn(std::make_shared<fiber::FiberWaiter>("holder", pool), [&] {
    while (!go) std::this_thread::yield();
    ++done;
  });
  constexpr int kEvents = 5000;
  auto waiter = std::make_shared<fiber::FiberWaiter>("alice", pool);
  scheduler.spawn(waiter, [&, waiter] {
    worker::ForwardingEventStore store(worker, *waiter);
    for (int i = 0; i < kEvents; ++i) {
      store.append(event_of("run-a", i));
      ++sent;
    }
    ++done;
  });
  scheduler.spawn(std::make_shared<fiber::FiberWaiter>("bob", pool), [&] {
    sent_when_other_ran = sent.load();
    ++done;
  });
  go = true;
  REQUIRE(wait_until([&] { return done == 3; }, 10s));
  REQUIRE(wait_until([&] { return received == kEvents; }, 10s));
  // Every event went out, and the other run did not wait for all of them.
  CHECK(sent_when_other_ran >= 0);
  CHECK(sent_when_other_ran <= fiber::FiberWaiter::kStepsBeforeYield);
  scheduler.stop();
  worker.shutdown();
  supervisor.shutdown();
  reader.join();
}
