// Retention on a real database: per-user storage in bytes, finished runs deleted by
// age and by a user's storage cap, oldest first and with their events; queued and
// running runs and other users' runs untouched; the background task does it alone.
#include <catch2/catch.hpp>

#include <boost/json.hpp>

#include "database/event_log.hpp"
#include "database/retention.hpp"
#include "database/run_store.hpp"
#include "database_test_support.hpp"

using namespace agenthost;
using namespace agenthost::database;
using namespace agenthost::database::test;
using namespace std::chrono_literals;

namespace {

const auto kNow = std::chrono::system_clock::now();

struct Store {
  TestDatabase db;
  std::unique_ptr<DatabaseSessionManager> manager;
  RunStore runs;
  EventLog log;
  explicit Store(const std::string& backend)
      : db(backend), manager(db.open_migrated()), runs(*manager), log(*manager) {}

  // A run of `user` with `events` events of `payload_bytes` each; finished `age`
  // ago with a result of `result_bytes`, or left running when `age` is negative.
  std::string add_run(const std::string& user, std::chrono::milliseconds age, int events = 2,
                      std::size_t payload_bytes = 100, std::size_t result_bytes = 100) {
    RunRecord run;
    run.run_id = unique_id("run-" + user);
    run.thread_id = "thread-" + user;
    run.user_id = user;
    run.agent_name = "chatty";
    run.input = boost::json::object{{"text", "hi"}};
    run.created_at = kNow - 48h;
    runs.insert_run(run, RunStore::ThreadCreation::create_if_missing);
    REQUIRE(runs.mark_running(run.run_id, kNow - 48h));
    for (int i = 1; i <= events; ++i) {
      auto e = std::make_shared<events::Event>();
      e->type = "agent_thinking";
      e->user_id = user;
      e->run_id = run.run_id;
      e->thread_id = run.thread_id;
      e->agent_name = run.agent_name;
      e->seq = static_cast<std::uint64_t>(i);
      e->timestamp = kNow - 48h;
      e->payload = boost::json::object{{"text", std::string(payload_bytes, 'x')}};
      log.append(e);
    }
    log.flush();
    if (age.count() >= 0)
      REQUIRE(runs.mark_finished(run.run_id, run_status::completed,
                                 boost::json::value(std::string(result_bytes, 'r')), std::nullopt,
                                 kNow - age));
    return run.run_id;
  }

  bool exists(const std::string& run_id, const std::string& user) {
    return runs.find_run(run_id, user).has_value();
  }
  std::size_t events_of(const std::string& run_id, const std::string& user) {
    return runs.events_after(run_id, user, 0).size();
  }
};

}  // namespace

TEST_CASE("storage per user counts the bytes of runs and events, each user apart",
          "[database][retention]") {
  auto backend = GENERATE(from_range(backends_under_test()));
  INFO("backend " << backend);
  Store s(backend);
  // Bytes, not characters: "é" is two.
  RunRecord run;
  run.run_id = unique_id("run-carol");
  run.thread_id = "thread-carol";
  run.user_id = "carol";
  run.agent_name = "echo";
  run.input = boost::json::object{{"t", "\xc3\xa9"}};
  run.created_at = kNow;
  s.runs.insert_run(run, RunStore::ThreadCreation::create_if_missing);
  s.add_run("dave", 1h, 3, 50, 10);

  const auto bytes = storage_by_user(*s.manager);
  CHECK(bytes.at("carol") == boost::json::serialize(run.input).size());
  CHECK(boost::json::serialize(run.input).size() == 10);  // 9 characters
  const auto dave = bytes.at("dave");
  CHECK(dave > 3 * 50 + 10);
  CHECK(dave < 3 * 50 + 10 + 200);  // the JSON around each value, and the input
  CHECK(bytes.size() == 2);
}

TEST_CASE("max_age deletes finished runs older than it with their events, nothing else",
          "[database][retention]") {
  auto backend = GENERATE(from_range(backends_under_test()));
  INFO("backend " << backend);
  Store s(backend);
  std::vector<std::string> old_alice;
  for (int i = 0; i < 5; ++i) old_alice.push_back(s.add_run("alice", 3h + std::chrono::minutes(i)));
  const auto old_bob = s.add_run("bob", 5h);
  const auto recent = s.add_run("alice", 10min);
  const auto running = s.add_run("alice", -1ms);  // started 48 h ago, still running

  RetentionPolicy policy;
  policy.max_age = 1h;
  policy.batch_runs = 2;  // 6 old runs: three batches
  const auto report = apply_retention(*s.manager, policy, kNow);
  CHECK(report.runs_deleted == 6);
  CHECK(report.events_deleted == 12);
  CHECK(report.batches == 3);
  for (const auto& id : old_alice) {
    CHECK_FALSE(s.exists(id, "alice"));
    CHECK(s.events_of(id, "alice") == 0);
  }
  CHECK_FALSE(s.exists(old_bob, "bob"));
  CHECK(s.exists(recent, "alice"));
  CHECK(s.events_of(recent, "alice") == 2);
  CHECK(s.exists(running, "alice"));
  CHECK(s.events_of(running, "alice") == 2);

  // A second pass finds nothing more.
  CHECK(apply_retention(*s.manager, policy, kNow).runs_deleted == 0);
}

TEST_CASE("max_bytes_per_user deletes a user's oldest finished runs until under the cap",
          "[database][retention]") {
  auto backend = GENERATE(from_range(backends_under_test()));
  INFO("backend " << backend);
  Store s(backend);
  const auto oldest = s.add_run("alice", 3h, 2, 1000, 1000);
  const auto middle = s.add_run("alice", 2h, 2, 1000, 1000);
  const auto newest = s.add_run("alice", 1h, 2, 1000, 1000);
  const auto running = s.add_run("alice", -1ms, 2, 1000, 0);
  const auto bob = s.add_run("bob", 4h, 2, 1000, 1000);
  const auto before = storage_by_user(*s.manager);
  const auto alice_bytes = before.at("alice");

  RetentionPolicy policy;
  // Room for everything but about half a run: the oldest one goes, no more.
  policy.max_bytes_per_user = alice_bytes - 1500;
  const auto report = apply_retention(*s.manager, policy, kNow);
  CHECK(report.runs_deleted == 1);
  CHECK_FALSE(s.exists(oldest, "alice"));
  CHECK(s.events_of(oldest, "alice") == 0);
  CHECK(s.exists(middle, "alice"));
  CHECK(s.exists(newest, "alice"));
  CHECK(s.exists(running, "alice"));
  CHECK(s.exists(bob, "bob"));  // under the cap: untouched, however old
  const auto after = storage_by_user(*s.manager);
  CHECK(after.at("alice") <= policy.max_bytes_per_user);
  CHECK(after.at("bob") == before.at("bob"));

  // A cap below what running runs hold deletes every finished run and stops there.
  policy.max_bytes_per_user = 1;
  apply_retention(*s.manager, policy, kNow);
  CHECK_FALSE(s.exists(middle, "alice"));
  CHECK_FALSE(s.exists(newest, "alice"));
  CHECK(s.exists(running, "alice"));
  CHECK(s.events_of(running, "alice") == 2);
}

TEST_CASE("the retention task applies the policy in the background and stops promptly",
          "[database][retention]") {
  Store s("sqlite3");
  const auto old_run = s.add_run("alice", 3h);
  const auto recent = s.add_run("alice", 1min);
  RetentionPolicy policy;
  policy.max_age = 1h;
  RetentionTask task(*s.manager, policy, std::chrono::hours(1));
  task.start();
  REQUIRE(wait_until([&] { return task.passes() >= 1; }));
  CHECK_FALSE(s.exists(old_run, "alice"));
  CHECK(s.exists(recent, "alice"));
  task.stop();  // does not wait for the hour
  CHECK(task.passes() == 1);

  RetentionTask off(*s.manager, RetentionPolicy{}, std::chrono::milliseconds(1));
  off.start();  // no policy: no thread, nothing deleted
  CHECK(off.passes() == 0);
  CHECK(s.exists(recent, "alice"));
}
