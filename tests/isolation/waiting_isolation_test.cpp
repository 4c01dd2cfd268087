// The promise under the workload agents really have: they mostly wait. Runs that wait
// within their users' limits never fail, block or slow another user's run, whatever
// the pools' sizes (the two scenarios of the waiting-runs issue, which failed with
// "database pool exhausted" when a run held a thread and a session for its life).
#include <catch2/catch.hpp>

#include <map>
#include <set>
#include <string>
#include <vector>

#include "isolation_support.hpp"

using namespace agenthost;
using namespace agenthost::execution;
using namespace agenthost::execution::test;
using agenthost::isolation_test::UserJournals;
namespace rs = agenthost::database::run_status;

namespace {

const boost::json::object kLongSleep{{"ms", 600000}};

// The shipped defaults where they matter here: 8 agent sessions, 2 per user.
std::unique_ptr<database::DatabaseSessionManager> default_agent_pool(TestHost& host) {
  return host.db.open_migrated([](database::DatabaseOptions& o) {
    o.pool_size = 8;
    o.max_sessions_per_user = 2;
  });
}

}  // namespace

TEST_CASE("11. waiting hogs: two users' full caps of waiting runs never fail a third's run",
          "[isolation]") {
  auto backend = GENERATE(from_range(database::test::backends_under_test()));
  UserJournals journals;  // before the host: its event log delivers to these sinks
  TestHost host(backend);
  auto agents = default_agent_pool(host);
  auto options = test_options();
  options.max_concurrent_runs_per_user = 5;
  auto engine = host.make_engine(options, *agents);

  std::vector<std::pair<std::string, RunTicket>> hogs;
  for (const std::string user : {"user-alice", "user-bob"})
    for (int i = 0; i < 5; ++i)
      hogs.emplace_back(user,
                        engine->submit(request(user, "sleepy", kLongSleep), journals.sink(user)));
  REQUIRE(host.journal.wait_until([&] { return engine->occupancy().active == 10; }));

  // Carol's runs, one of them using the database, complete while all ten wait.
  std::set<std::string> carol_runs;
  std::vector<RunTicket> carol;
  for (int i = 0; i < 5; ++i) {
    carol.push_back(
        engine->submit(request("user-carol", "dbwriter", {{"value", "c" + std::to_string(i)}}),
                       journals.sink("user-carol")));
    carol.push_back(engine->submit(request("user-carol", "chatty", {{"count", 2}}),
                                   journals.sink("user-carol")));
  }
  for (const auto& t : carol) {
    carol_runs.insert(t.run_id);
    CHECK(wait_final(t).status == rs::completed);
  }
  CHECK(journals.violations("user-carol", carol_runs) == 0);
  // None of the hogs' runs failed or ended meanwhile.
  for (const auto& [user, t] : hogs) CHECK_FALSE(is_final_within(t, std::chrono::milliseconds(0)));
  CHECK(engine->occupancy().active == 10);

  for (const auto& [user, t] : hogs) CHECK(engine->cancel(user, t.run_id));
  for (const auto& [user, t] : hogs) CHECK(wait_final(t).status == rs::cancelled);
}

TEST_CASE("12. many waiters: 100 runs of 20 users wait at once on two worker threads",
          "[isolation]") {
  auto backend = GENERATE(from_range(database::test::backends_under_test()));
  UserJournals journals;  // before the host: its event log delivers to these sinks
  TestHost host(backend);
  auto agents = default_agent_pool(host);
  auto options = test_options();
  options.worker_threads = 2;
  options.max_concurrent_runs_per_user = 5;
  auto engine = host.make_engine(options, *agents);

  std::vector<std::pair<std::string, RunTicket>> runs;
  std::map<std::string, std::set<std::string>> own;
  for (int u = 0; u < 20; ++u) {
    const std::string user = "user-m" + std::to_string(u);
    for (int i = 0; i < 5; ++i) {
      runs.emplace_back(user,
                        engine->submit(request(user, "sleepy", kLongSleep), journals.sink(user)));
      own[user].insert(runs.back().second.run_id);
    }
  }
  // All 100 are in their wait at the same time: no pool size caps them.
  REQUIRE(host.journal.wait_until([&] {
    std::size_t thinking = 0;
    for (const auto& [user, t] : runs)
      if (journals.of(user).position(t.run_id, "agent_thinking") >= 0) ++thinking;
    return thinking == runs.size();
  }));
  CHECK(engine->occupancy().active == 100);
  CHECK(agents->stats().in_use == 0);

  for (const auto& [user, t] : runs) CHECK(engine->cancel(user, t.run_id));
  for (const auto& [user, t] : runs) CHECK(wait_final(t).status == rs::cancelled);
  for (const auto& [user, ids] : own) CHECK(journals.violations(user, ids) == 0);
}
