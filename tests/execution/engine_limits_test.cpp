// ExecutionEngine limits: the per-user queue, the run timeout, fairness across users,
// and maps that shrink back when idle.
#include <catch2/catch.hpp>

#include <set>

#include "execution_test_support.hpp"

using namespace agenthost;
using namespace agenthost::execution;
using namespace agenthost::execution::test;
namespace rs = agenthost::database::run_status;

namespace {

const boost::json::object kLongSleep{{"ms", 60000}};

long starts_of_user_before(const EventJournal& journal, const std::string& user, long position) {
  const auto events = journal.all();
  long n = 0;
  for (long i = 0; i < position && i < static_cast<long>(events.size()); ++i)
    if (events[i]->type == "agent_started" && events[i]->user_id == user) ++n;
  return n;
}

}  // namespace

TEST_CASE("beyond max_queued_runs_per_user a run is refused with 'limit' - others unaffected") {
  TestHost host("sqlite3");
  auto options = test_options();
  options.max_concurrent_runs_per_user = 1;
  options.max_queued_runs_per_user = 2;
  auto engine = host.make_engine(options);

  const auto running = engine->submit(request("user-alice", "sleepy", kLongSleep), host.sink());
  REQUIRE(host.journal.wait_for_event(running.run_id, "agent_started"));
  const auto q1 = engine->submit(request("user-alice", "sleepy", kLongSleep), host.sink());
  const auto q2 = engine->submit(request("user-alice", "sleepy", kLongSleep), host.sink());
  try {
    (void)engine->submit(request("user-alice", "chatty"));
    FAIL("a third queued run was accepted");
  } catch (const RunRefused& e) {
    CHECK(e.code() == "limit");
    CHECK_THAT(e.what(), Catch::Contains("max_queued_runs_per_user"));
  }
  CHECK(engine->state().user_stats("user-alice")->queued == 2);

  // Bob is not held up by Alice's full queue.
  const auto bob =
      engine->submit(request("user-bob", "chatty", boost::json::object{{"count", 1}}), host.sink());
  CHECK(wait_final(bob).status == rs::completed);

  // Once a queued run leaves, Alice may queue again.
  CHECK(engine->cancel("user-alice", q2.run_id));
  CHECK(wait_final(q2).status == rs::cancelled);
  const auto again = engine->submit(request("user-alice", "chatty"), host.sink());
  // Queued ones first: cancelling the running one first would let them start.
  for (const auto* t : {&again, &q1, &running}) CHECK(engine->cancel("user-alice", t->run_id));
  for (const auto* t : {&running, &q1, &again}) CHECK(wait_final(*t).status == rs::cancelled);
}

TEST_CASE("max_queued_runs_per_user 0: a run is accepted only when a slot is free for it") {
  TestHost host("sqlite3");
  auto options = test_options();
  options.max_concurrent_runs_per_user = 1;
  options.max_queued_runs_per_user = 0;
  auto engine = host.make_engine(options);
  const auto first = engine->submit(request("user-alice", "sleepy", kLongSleep), host.sink());
  try {
    (void)engine->submit(request("user-alice", "chatty"));
    FAIL("a waiting run was accepted with max_queued_runs_per_user 0");
  } catch (const RunRefused& e) {
    CHECK(e.code() == "limit");
  }
  CHECK(engine->cancel("user-alice", first.run_id));
  CHECK(wait_final(first).status == rs::cancelled);
  const auto second = engine->submit(request("user-alice", "chatty"), host.sink());
  CHECK(wait_final(second).status == rs::completed);
}

TEST_CASE("a run over its timeout is stopped through its token and ends timed_out") {
  auto backend = GENERATE(from_range(database::test::backends_under_test()));
  TestHost host(backend);
  auto options = test_options();
  options.run_timeout = 200ms;
  auto engine = host.make_engine(options);
  const auto t = engine->submit(request("user-alice", "sleepy", kLongSleep), host.sink());
  const auto outcome = wait_final(t);  // long before the agent's 60 s
  CHECK(outcome.status == rs::timed_out);
  CHECK(outcome.error->at("error_type") == "timeout");
  CHECK(host.journal.types_of(t.run_id) ==
        std::vector<std::string>{"agent_started", "agent_thinking", "agent_death"});
  const auto death = host.journal.of_run(t.run_id).back();
  CHECK(death->payload.at("death_cause") == "timeout");
  CHECK_THAT(std::string(death->payload.at("message").as_string()), Catch::Contains("200 ms"));
  CHECK(host.runs->find_run(t.run_id, "user-alice")->status == rs::timed_out);
  CHECK(engine->state().user_stats("user-alice")->timed_out == 1);
  CHECK(engine->occupancy().timers == 0);
}

TEST_CASE("ready runs start round-robin across users, not in submission order") {
  TestHost host("sqlite3");
  auto options = test_options();
  options.worker_threads = 2;
  options.max_active_runs = 2;  // the host is full: ready runs wait their turn
  options.max_concurrent_runs_per_user = 5;
  options.max_queued_runs_per_user = 50;
  auto engine = host.make_engine(options);

  std::vector<RunTicket> alice;
  for (int i = 0; i < 12; ++i)
    alice.push_back(engine->submit(request("user-alice", "sleepy", boost::json::object{{"ms", 30}}),
                                   host.sink()));
  const long alice_started_at_submit = starts_of_user_before(
      host.journal, "user-alice", static_cast<long>(host.journal.all().size()));
  const auto bob = engine->submit(request("user-bob", "chatty"), host.sink());
  CHECK(wait_final(bob).status == rs::completed);
  const long bob_start = host.journal.position(bob.run_id, "agent_started");
  REQUIRE(bob_start >= 0);
  const long alice_started_before_bob =
      starts_of_user_before(host.journal, "user-alice", bob_start);
  // Round-robin: after Bob's submission at most one of Alice's runs starts before his,
  // plus the two she may have started already without announcing it (max_active_runs).
  // FIFO would start all of Alice's remaining runs first.
  CHECK(alice_started_before_bob - alice_started_at_submit <= 3);
  CHECK(alice_started_before_bob < 12);
  for (const auto& t : alice) CHECK(wait_final(t).status == rs::completed);
}

TEST_CASE("engines, threads, runs, timers and subscriptions shrink back when idle") {
  TestHost host("sqlite3");
  auto options = test_options();
  options.idle_user_stats_ttl = 1h;
  auto engine = host.make_engine(options);
  std::vector<RunTicket> tickets;
  std::set<std::string> threads;
  for (int u = 0; u < 20; ++u) {
    const std::string user = "user-" + std::to_string(u);
    for (int i = 0; i < 3; ++i) {
      tickets.push_back(
          engine->submit(request(user, "chatty", boost::json::object{{"count", 2}}), host.sink()));
      threads.insert(tickets.back().thread_id);
    }
  }
  CHECK(threads.size() == tickets.size());  // no thread_id given: a new thread each time
  for (const auto& t : tickets) CHECK(wait_final(t).status == rs::completed);

  const auto o = engine->occupancy();
  CHECK(o.runs == 0);
  CHECK(o.users == 0);
  CHECK(o.threads == 0);
  CHECK(o.timers == 0);
  CHECK(host.router.subscription_count() == 0);
  CHECK(host.router.run_count() == 0);
  CHECK(host.sessions_in_use() == 1);  // only the event log's own session

  CHECK(engine->state().user_count() == 20);
  CHECK(engine->state().evict_idle(ExecutionStateStore::Clock::now() + 2h) == 20);
  CHECK(engine->state().user_count() == 0);
  CHECK(engine->state().global_stats().completed == 60);
}

TEST_CASE("each user's figures count only that user's runs") {
  TestHost host("sqlite3");
  auto engine = host.make_engine(test_options());
  std::vector<RunTicket> tickets;
  for (int i = 0; i < 3; ++i)
    tickets.push_back(engine->submit(request("user-alice", "chatty"), host.sink()));
  tickets.push_back(engine->submit(request("user-bob", "failing"), host.sink()));
  for (const auto& t : tickets) (void)wait_final(t);
  const auto alice = engine->state().user_stats("user-alice").value();
  const auto bob = engine->state().user_stats("user-bob").value();
  CHECK(alice.submitted == 3);
  CHECK(alice.completed == 3);
  CHECK(alice.failed == 0);
  CHECK(bob.submitted == 1);
  CHECK(bob.completed == 0);
  CHECK(bob.failed == 1);
  CHECK(engine->state().user_health("user-alice")->score == 100);
  CHECK(engine->state().user_health("user-bob")->score == 75);
  CHECK(engine->state().global_stats().finished() == 4);
}

TEST_CASE(
    "update_limits: a raised cap starts waiting runs at once and new runs get the new timeout") {
  TestHost host("sqlite3");
  auto options = test_options();
  options.max_concurrent_runs_per_user = 1;
  auto engine = host.make_engine(options);

  const auto first = engine->submit(request("user-alice", "sleepy", kLongSleep), host.sink());
  const auto second = engine->submit(request("user-alice", "sleepy", kLongSleep), host.sink());
  REQUIRE(host.journal.wait_for_event(first.run_id, "agent_started"));
  CHECK(host.journal.position(second.run_id, "agent_started") < 0);  // held by the cap of 1

  auto limits = engine->limits();
  limits.max_concurrent_runs_per_user = 2;
  limits.run_timeout = std::chrono::milliseconds(200);
  engine->update_limits(limits);
  CHECK(engine->limits().max_concurrent_runs_per_user == 2);
  // Nothing else happens that could start it: only the raised cap.
  CHECK(host.journal.wait_for_event(second.run_id, "agent_started"));

  // Accepted before the change: still the old 20 s budget, so it is cancelled below;
  // accepted after: times out after 200 ms.
  CHECK(engine->cancel("user-alice", first.run_id));
  CHECK(wait_final(first).status == rs::cancelled);
  const auto third = engine->submit(request("user-alice", "sleepy", kLongSleep), host.sink());
  CHECK(wait_final(third).status == rs::timed_out);
  CHECK(engine->cancel("user-alice", second.run_id));
  CHECK(wait_final(second).status == rs::cancelled);
}

TEST_CASE("update_limits: users' health is measured against the new cap") {
  TestHost host("sqlite3");
  auto options = test_options();
  options.max_concurrent_runs_per_user = 1;
  auto engine = host.make_engine(options);
  const auto run = engine->submit(request("user-alice", "sleepy", kLongSleep), host.sink());
  REQUIRE(host.journal.wait_until([&] {
    const auto stats = engine->state().user_stats("user-alice");
    return stats && stats->active == 1;
  }));
  CHECK(engine->state().user_health("user-alice")->penalties ==
        std::vector<std::string>{"1 active runs exceed 80 % of the capacity of 1"});

  auto limits = engine->limits();
  limits.max_concurrent_runs_per_user = 10;
  engine->update_limits(limits);
  CHECK(engine->state().user_health("user-alice")->penalties.empty());
  CHECK(engine->cancel("user-alice", run.run_id));
  CHECK(wait_final(run).status == rs::cancelled);
}

TEST_CASE("update_limits: a lowered queue limit refuses the next run - bad limits change nothing") {
  TestHost host("sqlite3");
  auto engine = host.make_engine(test_options());
  auto limits = engine->limits();
  limits.max_concurrent_runs_per_user = 1;
  limits.max_queued_runs_per_user = 0;
  engine->update_limits(limits);
  const auto running = engine->submit(request("user-alice", "sleepy", kLongSleep), host.sink());
  CHECK_THROWS_AS(engine->submit(request("user-alice", "chatty")), RunRefused);

  auto bad = limits;
  bad.max_concurrent_runs_per_user = 0;
  CHECK_THROWS_WITH(engine->update_limits(bad), Catch::Contains("max_concurrent_runs_per_user"));
  CHECK(engine->limits().max_concurrent_runs_per_user == 1);
  CHECK(engine->cancel("user-alice", running.run_id));
  CHECK(wait_final(running).status == rs::cancelled);
}
