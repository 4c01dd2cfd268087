// Waiting costs nothing: a run that waits holds no worker thread and no database
// session, shared resources are shared fairly by user, and a stop reaches a waiting
// run at once.
#include <catch2/catch.hpp>

#include <soci/soci.h>

#include <string>
#include <vector>

#include "execution_test_support.hpp"

using namespace agenthost;
using namespace agenthost::execution;
using namespace agenthost::execution::test;
namespace rs = agenthost::database::run_status;

namespace {

const boost::json::object kLongSleep{{"ms", 600000}};

std::size_t count_events(EventJournal& journal, const std::vector<RunTicket>& runs,
                         const std::string& type) {
  std::size_t n = 0;
  for (const auto& t : runs)
    if (journal.position(t.run_id, type) >= 0) ++n;
  return n;
}

void cancel_all(ExecutionEngine& engine,
                const std::vector<std::pair<std::string, RunTicket>>& runs) {
  for (const auto& [user, t] : runs) CHECK(engine.cancel(user, t.run_id));
  for (const auto& [user, t] : runs) CHECK(wait_final(t).status == rs::cancelled);
}

}  // namespace

TEST_CASE("waiting runs hold no worker thread and no database session") {
  auto backend = GENERATE(from_range(database::test::backends_under_test()));
  TestHost host(backend);
  auto agents = host.open_agent_pool([](database::DatabaseOptions& o) { o.pool_size = 2; });
  auto options = test_options();
  options.worker_threads = 1;  // one thread carries every run below
  options.max_concurrent_runs_per_user = 5;
  auto engine = host.make_engine(options, *agents);

  std::vector<std::pair<std::string, RunTicket>> waiting;
  std::vector<RunTicket> tickets;
  for (int u = 0; u < 6; ++u)
    for (int i = 0; i < 5; ++i) {
      const std::string user = "user-w" + std::to_string(u);
      waiting.emplace_back(user, engine->submit(request(user, "sleepy", kLongSleep), host.sink()));
      tickets.push_back(waiting.back().second);
    }
  // All 30 are inside their wait at once, on one worker thread.
  REQUIRE(host.journal.wait_until(
      [&] { return count_events(host.journal, tickets, "agent_thinking") == tickets.size(); }));
  CHECK(engine->occupancy().active == 30);
  CHECK(agents->stats().in_use == 0);

  // Another user's runs, one using the database, go through at once meanwhile.
  const auto chatty = engine->submit(request("user-third", "chatty", {{"count", 3}}), host.sink());
  const auto writer =
      engine->submit(request("user-third", "dbwriter", {{"value", "meanwhile"}}), host.sink());
  CHECK(wait_final(chatty).status == rs::completed);
  CHECK(wait_final(writer).status == rs::completed);
  CHECK(host.notes_of(writer.run_id) == 1);
  CHECK(agents->stats().in_use == 0);

  cancel_all(*engine, waiting);
  CHECK(engine->occupancy().active == 0);
}

TEST_CASE("a user holding sessions across waits holds only its share while others are served") {
  auto backend = GENERATE(from_range(database::test::backends_under_test()));
  TestHost host(backend);
  auto agents = host.open_agent_pool([](database::DatabaseOptions& o) {
    o.pool_size = 3;
    o.max_sessions_per_user = 1;
  });
  auto options = test_options();
  options.max_concurrent_runs_per_user = 5;
  auto engine = host.make_engine(options, *agents);

  std::vector<std::pair<std::string, RunTicket>> hogs;
  for (const std::string user : {"user-hog1", "user-hog2"})
    for (int i = 0; i < 5; ++i)
      hogs.emplace_back(user, engine->submit(request(user, "probe.read_then_wait"), host.sink()));
  // Each hog holds one session (its share); its other four runs wait in line.
  REQUIRE(host.journal.wait_until([&] { return agents->stats().waiting == 8; }));
  CHECK(agents->stats().in_use == 2);

  const auto writer =
      engine->submit(request("user-carol", "dbwriter", {{"value", "served"}}), host.sink());
  const auto outcome = wait_final(writer);
  CHECK(outcome.status == rs::completed);
  CHECK(host.notes_of(writer.run_id) == 1);
  CHECK(agents->stats().waiting == 8);  // the hogs still wait for their own sessions

  cancel_all(*engine, hogs);  // waiting in line or holding: each ends at once
  CHECK(agents->stats().in_use == 0);
  CHECK(agents->stats().waiting == 0);
}

TEST_CASE("a run waiting for a database session ends at once when cancelled") {
  auto backend = GENERATE(from_range(database::test::backends_under_test()));
  TestHost host(backend);
  auto agents = host.open_agent_pool([](database::DatabaseOptions& o) { o.pool_size = 1; });
  auto engine = host.make_engine(test_options(), *agents);

  const auto holder = engine->submit(request("user-alice", "probe.read_then_wait"), host.sink());
  REQUIRE(host.journal.wait_for_event(holder.run_id, "agent_thinking"));
  const auto queued =
      engine->submit(request("user-bob", "dbwriter", {{"value", "x"}}), host.sink());
  REQUIRE(host.journal.wait_until([&] { return agents->stats().waiting == 1; }));

  CHECK(engine->cancel("user-bob", queued.run_id));
  const auto outcome = wait_final(queued);  // alice still holds the session for minutes
  CHECK(outcome.status == rs::cancelled);
  CHECK(host.journal.types_of(queued.run_id).back() == "agent_death");
  CHECK(agents->stats().waiting == 0);
  CHECK_FALSE(is_final_within(holder, std::chrono::milliseconds(0)));

  CHECK(engine->cancel("user-alice", holder.run_id));
  CHECK(wait_final(holder).status == rs::cancelled);
}

TEST_CASE("a waiting run's timeout ends it at once with agent_death timeout") {
  TestHost host("sqlite3");
  auto options = test_options();
  options.run_timeout = std::chrono::milliseconds(200);
  auto engine = host.make_engine(options);
  const auto t = engine->submit(request("user-alice", "sleepy", kLongSleep), host.sink());
  const auto outcome = wait_final(t);  // ten minutes of sleep otherwise
  CHECK(outcome.status == rs::timed_out);
  const auto events = host.journal.of_run(t.run_id);
  REQUIRE_FALSE(events.empty());
  CHECK(events.back()->payload.at("death_cause") == "timeout");
}

TEST_CASE("scoped transactions commit at the end of their block and hold nothing between") {
  auto backend = GENERATE(from_range(database::test::backends_under_test()));
  TestHost host(backend);
  auto agents = host.open_agent_pool([](database::DatabaseOptions& o) { o.pool_size = 2; });
  auto engine = host.make_engine(test_options(), *agents);

  SECTION("both blocks of a run that completes are committed") {
    const auto t = engine->submit(
        request("user-alice", "probe.scoped_then_wait", {{"value", "v"}, {"ms", 1}}), host.sink());
    const auto outcome = wait_final(t);
    CHECK(outcome.status == rs::completed);
    CHECK(host.notes_of(t.run_id) == 2);
    CHECK(agents->stats().in_use == 0);
  }
  SECTION("the first block stays committed when the run is cancelled during its wait") {
    const auto t = engine->submit(
        request("user-alice", "probe.scoped_then_wait", {{"value", "v"}, {"ms", 600000}}),
        host.sink());
    REQUIRE(host.journal.wait_for_event(t.run_id, "agent_thinking"));
    CHECK(host.notes_of(t.run_id) == 1);  // committed before the wait
    CHECK(agents->stats().in_use == 0);   // and nothing held during it
    CHECK(engine->cancel("user-alice", t.run_id));
    CHECK(wait_final(t).status == rs::cancelled);
    CHECK(host.notes_of(t.run_id) == 1);
  }
  SECTION("a block that throws is rolled back and the agent gets the exception") {
    const auto t = engine->submit(request("user-alice", "probe.scoped_throw"), host.sink());
    const auto outcome = wait_final(t);
    CHECK(outcome.status == rs::completed);
    REQUIRE(outcome.result.has_value());
    CHECK(outcome.result->at("caught") == "the block changed its mind");
    CHECK(host.notes_of(t.run_id) == 0);
    CHECK(agents->stats().in_use == 0);
  }
}

TEST_CASE("beyond max_active_runs, runs wait their turn instead of failing") {
  TestHost host("sqlite3");
  auto options = test_options();
  options.max_active_runs = 3;
  auto engine = host.make_engine(options);
  std::vector<std::pair<std::string, RunTicket>> runs;
  std::vector<RunTicket> tickets;
  for (int u = 0; u < 6; ++u) {
    const std::string user = "user-a" + std::to_string(u);
    runs.emplace_back(user, engine->submit(request(user, "sleepy", kLongSleep), host.sink()));
    tickets.push_back(runs.back().second);
  }
  REQUIRE(host.journal.wait_until(
      [&] { return count_events(host.journal, tickets, "agent_started") == 3; }));
  CHECK(engine->occupancy().active == 3);
  CHECK(engine->occupancy().runs == 6);
  // The first three users' runs started; ending one lets the next user's start.
  CHECK(engine->cancel(runs[0].first, runs[0].second.run_id));
  REQUIRE(host.journal.wait_for_event(runs[3].second.run_id, "agent_started"));
  CHECK(engine->occupancy().active == 3);
  runs.erase(runs.begin());
  cancel_all(*engine, runs);
}
