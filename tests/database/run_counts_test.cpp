// A user's runs counted by status (GET /v1/me/stats): on SQLite the counts are kept by
// triggers in run_counts (migration 6), on PostgreSQL counted through an index. Either
// way they must equal a count of the stored rows after every kind of change: insert,
// start, waiting and answered, finish, requeue at startup, deletion by retention, and
// for the runs a database held before migration 6.
#include <catch2/catch.hpp>

#include <soci/soci.h>
#include <boost/json.hpp>

#include <map>
#include <string>

#include "database/retention.hpp"
#include "database/run_store.hpp"
#include "database_test_support.hpp"

using namespace agenthost::database;
using namespace agenthost::database::test;
using namespace std::chrono_literals;

namespace {

using Counts = std::map<std::string, std::uint64_t>;

const auto kNow = std::chrono::system_clock::now();

RunRecord make_run(const std::string& user) {
  RunRecord run;
  run.run_id = unique_id("run-" + user);
  run.thread_id = "thread-" + user;
  run.user_id = user;
  run.agent_name = "echo";
  run.input = boost::json::object{{"message", "hi"}};
  run.created_at = kNow - 48h;
  return run;
}

// The user's stored rows counted one by one: what the counts must say.
Counts rows_by_status(DatabaseSessionManager& manager, const std::string& user) {
  auto lease = manager.acquire();
  Counts counts;
  std::string status;
  long long n = 0;
  soci::statement st = (lease.session().prepare << "SELECT status, COUNT(*) FROM runs"
                                                   " WHERE user_id = :u GROUP BY status",
                        soci::into(status), soci::into(n), soci::use(user));
  st.execute();
  while (st.fetch()) counts[status] = static_cast<std::uint64_t>(n);
  return counts;
}

// The counts as GET /v1/me/stats reads them, statuses without runs left out.
Counts counted(RunStore& store, const std::string& user) {
  Counts counts;
  for (const auto& [status, n] : store.count_runs_by_status(user))
    if (n > 0) counts[status] = n;
  return counts;
}

}  // namespace

TEST_CASE("a user's run counts follow every change of a run's status", "[database][run_counts]") {
  auto backend = GENERATE(from_range(backends_under_test()));
  CAPTURE(backend);
  TestDatabase db(backend);
  auto manager = db.open_migrated();
  RunStore store(*manager);
  const auto agree = [&](const std::string& user, const Counts& expected) {
    CAPTURE(user);
    CHECK(counted(store, user) == expected);
    CHECK(rows_by_status(*manager, user) == expected);
  };

  const auto a1 = make_run("alice"), a2 = make_run("alice"), a3 = make_run("alice");
  const auto b1 = make_run("bob");
  for (const auto* run : {&a1, &a2, &a3, &b1})
    store.insert_run(*run, RunStore::ThreadCreation::create_if_missing);
  agree("alice", {{"queued", 3}});
  agree("bob", {{"queued", 1}});

  REQUIRE(store.mark_running(a1.run_id, kNow - 48h));
  REQUIRE(store.mark_running(a2.run_id, kNow - 48h));
  REQUIRE(store.mark_waiting(a2.run_id, boost::json::object{{"question_id", "q1"}}));
  agree("alice", {{"queued", 1}, {"running", 1}, {"waiting_input", 1}});

  REQUIRE(store.mark_answered(a2.run_id));
  REQUIRE(store.mark_finished(a1.run_id, run_status::completed, boost::json::value(1), std::nullopt,
                              kNow - 3h));
  REQUIRE(store.mark_finished(a3.run_id, run_status::cancelled, std::nullopt,
                              boost::json::value("stopped"), kNow - 10min));
  // A second end changes nothing, the counts neither.
  CHECK_FALSE(store.mark_finished(a1.run_id, run_status::failed, std::nullopt,
                                  boost::json::value("late"), kNow));
  agree("alice", {{"running", 1}, {"completed", 1}, {"cancelled", 1}});

  // A restart finds a2 working and queues it again.
  REQUIRE(store.requeue_for_resume(a2.run_id, true));
  agree("alice", {{"queued", 1}, {"completed", 1}, {"cancelled", 1}});

  // Retention deletes the run finished 3 h ago, not the one 10 min ago.
  RetentionPolicy policy;
  policy.max_age = 1h;
  REQUIRE(apply_retention(*manager, policy, kNow).runs_deleted == 1);
  agree("alice", {{"queued", 1}, {"cancelled", 1}});
  agree("bob", {{"queued", 1}});
  CHECK(counted(store, "carol").empty());
}

TEST_CASE("migration 6 counts the runs a database already held", "[database][run_counts]") {
  auto backend = GENERATE(from_range(backends_under_test()));
  CAPTURE(backend);
  TestDatabase db(backend);
  auto manager = db.open();
  apply_migrations(*manager, 5);
  RunStore store(*manager);
  const auto a1 = make_run("alice"), a2 = make_run("alice"), b1 = make_run("bob");
  for (const auto* run : {&a1, &a2, &b1})
    store.insert_run(*run, RunStore::ThreadCreation::create_if_missing);
  REQUIRE(store.mark_running(a1.run_id, kNow));
  REQUIRE(store.mark_finished(a1.run_id, run_status::failed, std::nullopt,
                              boost::json::value("boom"), kNow));

  apply_migrations(*manager);
  CHECK(counted(store, "alice") == Counts{{"queued", 1}, {"failed", 1}});
  CHECK(counted(store, "bob") == Counts{{"queued", 1}});
  // And they go on from there.
  REQUIRE(store.mark_running(b1.run_id, kNow));
  CHECK(counted(store, "bob") == Counts{{"running", 1}});
}
