// ForwardingEventStore: a run's events go to the supervisor as frames, and a run that
// emits in a loop lets the other runs on its worker thread go on.
#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <memory>
#include <stop_token>
#include <thread>
#include <utility>

#include "fiber/blocking_pool.hpp"
#include "fiber/fiber_scheduler.hpp"
#include "fiber/fiber_waiter.hpp"
#include "ipc/channel.hpp"
#include "ipc/run_messages.hpp"
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
    worker::ForwardingEventStore store(worker, *waiter, {});
    for (int i = 0; i < kEvents; ++i) {
      store.append(event_of("run-a", i));
      store.after_emit();
      if (i % ipc::kEventsPerAck == 0) store.acknowledged(i);  // the supervisor's acks
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

namespace {

// A worker's run on a one-thread scheduler sending `count` events, paced by its
// ForwardingEventStore, to a supervisor's end that counts them and acknowledges
// nothing by itself.
struct SendingRun {
  explicit SendingRun(std::uint64_t count) {
    reader = std::thread([this] { supervisor.read_frames([this](ipc::Frame&&) { ++received; }); });
    scheduler.spawn(waiter, [this, count] {
      for (std::uint64_t i = 0; i < count; ++i) {
        store.append(event_of("run-a", static_cast<int>(i)));
        store.after_emit();
      }
      done = true;
    });
  }
  ~SendingRun() {
    scheduler.stop();
    worker.shutdown();
    supervisor.shutdown();
    reader.join();
  }

  std::pair<ipc::ChannelEnd, ipc::ChannelEnd> ends = ipc::open_channel_pair();
  ipc::Channel worker{ends.first}, supervisor{ends.second};
  std::atomic<std::uint64_t> received{0};
  std::thread reader;
  fiber::BlockingPool pool{1};
  fiber::FiberScheduler scheduler{{1, 256 * 1024}};
  std::shared_ptr<fiber::FiberWaiter> waiter = std::make_shared<fiber::FiberWaiter>("alice", pool);
  std::stop_source stop;
  worker::ForwardingEventStore store{worker, *waiter, stop.get_token()};
  std::atomic<bool> done{false};
};

}  // namespace

TEST_CASE("a run waits while a window of its events is unacknowledged, and goes on when it is") {
  constexpr std::uint64_t kEvents = 3 * ipc::kEventWindow;
  SendingRun run(kEvents);
  auto& store = run.store;
  auto& received = run.received;
  auto& done = run.done;
  // Nothing acknowledged: the run stops after a window of events, and waits.
  REQUIRE(wait_until([&] { return store.waiting() == 1; }, 10s));
  REQUIRE(wait_until([&] { return received == ipc::kEventWindow; }, 10s));
  CHECK_FALSE(done);
  // An ack of part of them lets it send as many more, and no more.
  store.acknowledged(ipc::kEventsPerAck);
  REQUIRE(wait_until(
      [&] { return received == ipc::kEventWindow + ipc::kEventsPerAck && store.waiting() == 1; },
      10s));
  CHECK(received == ipc::kEventWindow + ipc::kEventsPerAck);
  // Acknowledged as the supervisor does (every kEventsPerAck taken), it sends a
  // window beyond each ack, to the last event.
  for (std::uint64_t acked = ipc::kEventsPerAck; acked < kEvents;) {
    acked += ipc::kEventsPerAck;
    store.acknowledged(acked);
    const auto can_send = std::min(acked + ipc::kEventWindow, kEvents);
    REQUIRE(wait_until([&] { return received == can_send; }, 10s));
  }
  REQUIRE(wait_until([&] { return done.load(); }, 10s));
}

TEST_CASE("a stopped run is not held back by its window") {
  constexpr std::uint64_t kEvents = 2 * ipc::kEventWindow;
  SendingRun run(kEvents);
  REQUIRE(wait_until([&] { return run.store.waiting() == 1; }, 10s));
  run.stop.request_stop();  // it must be able to end, acknowledged or not
  REQUIRE(wait_until([&] { return run.done.load(); }, 10s));
  REQUIRE(wait_until([&] { return run.received == kEvents; }, 10s));
  CHECK(run.store.waiting() == 0);
}
