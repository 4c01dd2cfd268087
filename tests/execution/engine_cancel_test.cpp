// Cancellation (by the run's owner only, before or after the start) and shutdown.
#include <catch2/catch.hpp>

#include "execution_test_support.hpp"

using namespace agenthost;
using namespace agenthost::execution;
using namespace agenthost::execution::test;
namespace rs = agenthost::database::run_status;

namespace {

const boost::json::object kLongSleep{{"ms", 60000}};

}  // namespace

TEST_CASE("a cancel that arrives before the run started holds: no agent, lone agent_death") {
  auto backend = GENERATE(from_range(database::test::backends_under_test()));
  TestHost host(backend);
  auto options = test_options();
  options.max_concurrent_runs_per_user = 1;
  auto engine = host.make_engine(options);

  const auto running = engine->submit(request("user-alice", "sleepy", kLongSleep), host.sink());
  REQUIRE(host.journal.wait_for_event(running.run_id, "agent_started"));
  const auto queued = engine->submit(request("user-alice", "chatty"), host.sink());
  CHECK(engine->cancel("user-alice", queued.run_id));

  const auto outcome = wait_final(queued);
  CHECK(outcome.status == rs::cancelled);
  CHECK_FALSE(outcome.agent_created);
  CHECK(host.journal.types_of(queued.run_id) == std::vector<std::string>{"agent_death"});
  const auto death = host.journal.of_run(queued.run_id).front();
  CHECK(death->seq == 1);
  CHECK(death->payload.at("death_cause") == "cancelled");
  const auto record = host.runs->find_run(queued.run_id, "user-alice");
  CHECK(record->status == rs::cancelled);
  CHECK_FALSE(record->started_at.has_value());
  CHECK(engine->state().user_stats("user-alice")->started == 1);  // only the running one

  CHECK(engine->cancel("user-alice", running.run_id));
  CHECK(wait_final(running).status == rs::cancelled);
  CHECK(host.journal.types_of(running.run_id) ==
        std::vector<std::string>{"agent_started", "agent_thinking", "agent_death"});
}

TEST_CASE("submit-then-cancel at once is never lost, whatever the timing") {
  TestHost host("sqlite3");
  auto options = test_options();
  options.worker_threads = 4;
  options.max_concurrent_runs_per_user = 5;
  options.max_queued_runs_per_user = 100;
  auto engine = host.make_engine(options);
  std::vector<RunTicket> tickets;
  for (int i = 0; i < 40; ++i) {
    tickets.push_back(engine->submit(request("user-alice", "sleepy", kLongSleep), host.sink()));
    CHECK(engine->cancel("user-alice", tickets.back().run_id));
  }
  for (const auto& t : tickets) {
    const auto outcome = wait_final(t);  // a lost cancel would run 60 s: past the deadline
    CHECK(outcome.status == rs::cancelled);
    const auto types = host.journal.types_of(t.run_id);
    REQUIRE_FALSE(types.empty());
    CHECK(types.back() == "agent_death");
    CHECK(std::count(types.begin(), types.end(), "agent_death") == 1);
  }
}

TEST_CASE("only the owner can cancel - another user's run id looks unknown") {
  TestHost host("sqlite3");
  auto engine = host.make_engine(test_options());
  const auto t = engine->submit(request("user-alice", "sleepy", kLongSleep), host.sink());
  REQUIRE(host.journal.wait_for_event(t.run_id, "agent_started"));

  CHECK_FALSE(engine->cancel("user-bob", t.run_id));
  CHECK_FALSE(engine->cancel("user-alice", "0123456789abcdef0123456789abcdef"));
  CHECK_FALSE(is_final_within(t, 50ms));  // Bob's cancel did nothing

  CHECK(engine->cancel("user-alice", t.run_id));
  CHECK(engine->cancel("user-alice", t.run_id));  // idempotent
  CHECK(wait_final(t).status == rs::cancelled);
  CHECK(engine->cancel("user-alice", t.run_id));  // finished: still this user's run
  CHECK_FALSE(engine->cancel("user-bob", t.run_id));
  const auto types = host.journal.types_of(t.run_id);
  CHECK(std::count(types.begin(), types.end(), "agent_death") == 1);
}

TEST_CASE("shutdown stops accepting, stops what is left with cause shutdown, and waits") {
  auto backend = GENERATE(from_range(database::test::backends_under_test()));
  TestHost host(backend);
  auto options = test_options();
  options.max_concurrent_runs_per_user = 1;
  auto engine = host.make_engine(options);
  const auto running = engine->submit(request("user-alice", "sleepy", kLongSleep), host.sink());
  REQUIRE(host.journal.wait_for_event(running.run_id, "agent_started"));
  const auto queued = engine->submit(request("user-alice", "chatty"), host.sink());

  engine->shutdown(0ms);
  // Both are final when shutdown returns.
  CHECK(is_final_within(running, 0ms));
  CHECK(is_final_within(queued, 0ms));
  CHECK(running.finished.get().status == rs::interrupted);
  CHECK(queued.finished.get().status == rs::interrupted);
  CHECK(host.journal.types_of(running.run_id) ==
        std::vector<std::string>{"agent_started", "agent_thinking", "agent_death"});
  CHECK(host.journal.types_of(queued.run_id) == std::vector<std::string>{"agent_death"});
  CHECK(host.journal.of_run(running.run_id).back()->payload.at("death_cause") == "shutdown");
  CHECK(host.journal.of_run(queued.run_id).back()->payload.at("death_cause") == "shutdown");
  CHECK(host.runs->find_run(running.run_id, "user-alice")->status == rs::interrupted);

  try {
    (void)engine->submit(request("user-alice", "chatty"));
    FAIL("accepted a run after shutdown");
  } catch (const RunRefused& e) {
    CHECK(e.code() == "shutting_down");
  }
  engine->shutdown(0ms);  // idempotent
  const auto o = engine->occupancy();
  CHECK(o.runs + o.users + o.threads + o.timers == 0);
}

TEST_CASE("shutdown lets runs finish within the drain timeout") {
  TestHost host("sqlite3");
  auto engine = host.make_engine(test_options());
  std::vector<RunTicket> tickets;
  for (int i = 0; i < 4; ++i)
    tickets.push_back(engine->submit(
        request("user-alice", "sleepy", boost::json::object{{"ms", 20}}), host.sink()));
  engine->shutdown(kDeadline);
  for (const auto& t : tickets) CHECK(t.finished.get().status == rs::completed);
}

TEST_CASE("destroying the engine stops and waits for its runs") {
  TestHost host("sqlite3");
  RunTicket t;
  {
    auto engine = host.make_engine(test_options());
    t = engine->submit(request("user-alice", "sleepy", kLongSleep), host.sink());
    REQUIRE(host.journal.wait_for_event(t.run_id, "agent_started"));
  }
  CHECK(is_final_within(t, 0ms));
  CHECK(t.finished.get().status == rs::interrupted);
}
