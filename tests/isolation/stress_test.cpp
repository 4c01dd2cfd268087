// Test 10 of the seed report (10 users x 3 runs of 0.2 s), with the original's
// numbers as the minimum, and the stress case this project adds: 100 users x 10
// runs on one host with zero events crossing users.
#include <catch2/catch.hpp>

#include <set>

#include "isolation_support.hpp"

using namespace agenthost;
using namespace agenthost::execution;
using namespace agenthost::execution::test;
using agenthost::isolation_test::UserJournals;
namespace rs = agenthost::database::run_status;

namespace {

std::string user_name(int i) { return "stress-user-" + std::to_string(i); }

}  // namespace

// The original's "within 0.8 s" is a throughput target, measured in bench/ (a
// wall-clock bound here would fail on a loaded machine, not on a regression).
TEST_CASE("10. stress: 10 users x 3 runs of 0.2 s all complete, isolated", "[isolation]") {
  auto backend = GENERATE(from_range(database::test::backends_under_test()));
  UserJournals journals;  // before the host: its event log delivers to these sinks
  TestHost host(backend);
  auto o = test_options();
  o.worker_threads = 16;  // the database pool of TestHost is 16: one session per run
  o.max_concurrent_runs_per_user = 3;
  auto engine = host.make_engine(o);
  std::map<std::string, std::set<std::string>> runs_of;
  std::vector<RunTicket> tickets;

  for (int u = 0; u < 10; ++u)
    for (int r = 0; r < 3; ++r) {
      auto t = engine->submit(request(user_name(u), "sleepy", boost::json::object{{"ms", 200}}),
                              journals.sink(user_name(u)));
      runs_of[user_name(u)].insert(t.run_id);
      tickets.push_back(t);
    }
  std::size_t completed = 0;
  for (auto& t : tickets) completed += wait_final(t).status == rs::completed;

  CHECK(completed * 10 >= tickets.size() * 9);  // >= 90 % success (the original's bar)
  CHECK(completed == tickets.size());           // ours: all of them
  for (int u = 0; u < 10; ++u) {
    const auto user = user_name(u);
    CHECK(journals.violations(user, runs_of[user]) == 0);
    // agent_started, agent_thinking, agent_completed per run.
    CHECK(journals.of(user).all().size() == 3 * 3);
  }
}

TEST_CASE("stress: 100 users x 10 runs with zero events crossing users", "[isolation][stress]") {
  auto backend = GENERATE(from_range(database::test::backends_under_test()));
  UserJournals journals;  // before the host: its event log delivers to these sinks
  TestHost host(backend);
  auto o = test_options();
  o.worker_threads = 16;
  o.max_concurrent_runs_per_user = 5;
  o.max_queued_runs_per_user = 10;
  auto engine = host.make_engine(o);
  const auto sessions_in_use_before = host.manager->stats().in_use;  // the event log's
  std::map<std::string, std::set<std::string>> runs_of;
  std::vector<RunTicket> tickets;
  constexpr int kUsers = 100, kRuns = 10, kEvents = 3;
  for (int u = 0; u < kUsers; ++u) journals.of(user_name(u));  // create every journal up front

  // Users submit from several threads at once, as connections would.
  std::mutex mutex;
  std::vector<std::string> refusals;
  std::vector<std::thread> submitters;
  for (int s = 0; s < 4; ++s)
    submitters.emplace_back([&, s] {
      for (int u = s; u < kUsers; u += 4)
        for (int r = 0; r < kRuns; ++r) {
          const auto user = user_name(u);
          try {
            auto t =
                engine->submit(request(user, "chatty", boost::json::object{{"count", kEvents}}),
                               journals.sink(user));
            std::lock_guard lock(mutex);
            runs_of[user].insert(t.run_id);
            tickets.push_back(std::move(t));
          } catch (const std::exception& e) {
            std::lock_guard lock(mutex);
            refusals.push_back(e.what());
          }
        }
    });
  for (auto& t : submitters) t.join();
  CHECK(refusals.empty());
  for (const auto& r : refusals) UNSCOPED_INFO(r);
  REQUIRE(tickets.size() == kUsers * kRuns);
  for (auto& t : tickets) CHECK(wait_final(t).status == rs::completed);

  std::size_t violations = 0, delivered = 0;
  for (int u = 0; u < kUsers; ++u) {
    const auto user = user_name(u);
    violations += journals.violations(user, runs_of[user]);
    delivered += journals.of(user).all().size();
  }
  CHECK(violations == 0);
  CHECK(delivered == std::size_t{kUsers} * kRuns * (kEvents + 2));
  // Nothing is left behind once the host is idle.
  CHECK(host.router.subscription_count() == 0);
  CHECK(engine->occupancy().runs == 0);
  CHECK(engine->occupancy().users == 0);
  CHECK(database::test::wait_until(
      [&] { return host.manager->stats().in_use == sessions_in_use_before; }));
}
