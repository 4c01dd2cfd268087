// StoragePacer: a run that emits faster than its events are stored waits, holding no
// thread, once a bounded number of them wait for the database; it goes on once they
// are stored, or when it is told to stop.
#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <memory>
#include <stop_token>
#include <thread>

#include "context/context_factory.hpp"
#include "events/user_event_emitter.hpp"
#include "execution/storage_pacer.hpp"
#include "execution_test_support.hpp"
#include "fiber/blocking_pool.hpp"
#include "fiber/fiber_scheduler.hpp"
#include "support/wait_until.hpp"

using namespace agenthost;
using namespace agenthost::execution;
using namespace agenthost::execution::test;
using agenthost::testing::wait_until;
using namespace std::chrono_literals;

namespace {

// A run on a one-thread scheduler that emits `count` events through an emitter paced
// by StoragePacer, and another run on the same thread that only counts when it ran.
struct FloodingRun {
  FloodingRun(TestHost& h, std::uint64_t count)
      : host(h),
        context(context::make_run_context(
            {"user-alice", "thread-pacer", "chatty", {}, {}, stop.get_token(), waiter})),
        pacer(*host.log, context, *waiter),
        emitter(context, *host.log, host.router, {}, &pacer) {
    scheduler.spawn(waiter, [this, count] {
      for (std::uint64_t i = 0; i < count; ++i) {
        emitter.emit("step", boost::json::object{{"i", i}});
        ++emitted;
      }
      done = true;
    });
  }
  ~FloodingRun() { scheduler.stop(); }

  // Spawns a run of another user on the same thread; true once it has run.
  bool other_run_goes() {
    std::atomic<bool> ran{false};
    scheduler.spawn(std::make_shared<fiber::FiberWaiter>("user-bob", blocking),
                    [&ran] { ran = true; });
    return wait_until([&] { return ran.load(); }, 10s);
  }

  TestHost& host;
  std::stop_source stop;
  fiber::BlockingPool blocking{1};
  std::shared_ptr<fiber::FiberWaiter> waiter =
      std::make_shared<fiber::FiberWaiter>("user-alice", blocking);
  ExecutionContext context;
  StoragePacer pacer;
  events::UserEventEmitter emitter;
  fiber::FiberScheduler scheduler{{1, 256 * 1024}};
  std::atomic<std::uint64_t> emitted{0};
  std::atomic<bool> done{false};
};

}  // namespace

TEST_CASE("a run emitting faster than storage waits with a bounded backlog, then goes on") {
  auto backend = GENERATE(from_range(database::test::backends_under_test()));
  CAPTURE(backend);
  TestHost host(backend);
  database::test::take_events_table_away(*host.manager);
  constexpr std::uint64_t kEvents = 3 * StoragePacer::kPauseAt;
  FloodingRun run(host, kEvents);

  // Nothing is stored: the run stops at kPauseAt unstored events and waits, suspended.
  REQUIRE(wait_until([&] { return run.pacer.waits() == 1; }, 10s));
  CHECK(run.emitted == StoragePacer::kPauseAt - 1);  // its kPauseAt-th emit waits
  CHECK(host.log->unstored_events(run.context.run_id()) == StoragePacer::kPauseAt);
  CHECK(run.other_run_goes());  // its thread is free for other runs meanwhile
  CHECK_FALSE(run.done);

  // Stored again: it goes on, waiting again whenever the backlog reaches the bound.
  database::test::restore_events_table(*host.manager);
  REQUIRE(wait_until([&] { return run.done.load(); }, 30s));
  host.log->flush();
  CHECK(host.stored_events(run.context.run_id(), "user-alice").size() == kEvents);
  CHECK(host.log->unstored_events(run.context.run_id()) == 0);
}

TEST_CASE("a stopped run is not held back by its unstored events") {
  auto backend = GENERATE(from_range(database::test::backends_under_test()));
  CAPTURE(backend);
  TestHost host(backend);
  database::test::take_events_table_away(*host.manager);
  constexpr std::uint64_t kEvents = 2 * StoragePacer::kPauseAt;
  FloodingRun run(host, kEvents);
  REQUIRE(wait_until([&] { return run.pacer.waits() == 1; }, 10s));
  run.stop.request_stop();  // it must be able to end, stored or not
  REQUIRE(wait_until([&] { return run.done.load(); }, 10s));
  CHECK(run.emitted == kEvents);
  CHECK(run.pacer.waits() == 1);
  database::test::restore_events_table(*host.manager);
  host.log->flush();
  CHECK(host.stored_events(run.context.run_id(), "user-alice").size() == kEvents);
}
