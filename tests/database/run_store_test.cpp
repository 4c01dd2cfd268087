#include <catch2/catch.hpp>

#include <boost/json.hpp>

#include "database/run_store.hpp"
#include "database_test_support.hpp"

using namespace agenthost::database;
using namespace agenthost::database::test;
using namespace std::chrono_literals;
namespace json = boost::json;

namespace {

// Millisecond precision, as stored.
TimePoint at_ms(long long ms) { return TimePoint(std::chrono::milliseconds(ms)); }

RunRecord make_run(const std::string& run_id, const std::string& thread_id,
                   const std::string& user_id, long long created_ms) {
  RunRecord run;
  run.run_id = run_id;
  run.thread_id = thread_id;
  run.user_id = user_id;
  run.agent_name = "echo";
  run.input = json::object{{"message", "hello"}, {"n", 3}};
  run.created_at = at_ms(created_ms);
  return run;
}

}  // namespace

TEST_CASE("runs go from queued to running to finished", "[database][run_store]") {
  auto backend = GENERATE(from_range(backends_under_test()));
  CAPTURE(backend);
  TestDatabase db(backend);
  auto manager = db.open_migrated();
  RunStore store(*manager);

  store.create_thread("thread-1", "alice");
  store.create_thread("thread-1", "alice");  // the owner again: no-op
  store.insert_run(make_run("run-1", "thread-1", "alice", 1'700'000'000'001));

  auto queued = store.find_run("run-1", "alice");
  REQUIRE(queued);
  CHECK(queued->status == "queued");
  CHECK(queued->agent_name == "echo");
  CHECK(queued->input == json::value(json::object{{"message", "hello"}, {"n", 3}}));
  CHECK(queued->created_at == at_ms(1'700'000'000'001));
  CHECK_FALSE(queued->started_at);
  CHECK_FALSE(queued->result);

  CHECK(store.mark_running("run-1", at_ms(1'700'000'000'500)));
  CHECK_FALSE(store.mark_running("run-1", at_ms(1'700'000'000'600)));  // not queued any more
  CHECK(store.mark_finished("run-1", "completed", json::value(json::object{{"answer", 42}}),
                            std::nullopt, at_ms(1'700'000'001'000)));
  // A late second end changes nothing.
  CHECK_FALSE(store.mark_finished("run-1", "failed", std::nullopt,
                                  json::value(json::object{{"code", "late"}}),
                                  at_ms(1'700'000'002'000)));

  auto done = store.find_run("run-1", "alice");
  REQUIRE(done);
  CHECK(done->status == "completed");
  CHECK(done->result == json::value(json::object{{"answer", 42}}));
  CHECK_FALSE(done->error);
  CHECK(done->started_at == at_ms(1'700'000'000'500));
  CHECK(done->finished_at == at_ms(1'700'000'001'000));

  CHECK_THROWS_AS(store.mark_running("no-such-run", at_ms(1)), DatabaseError);
  CHECK_THROWS_AS(
      store.mark_finished("no-such-run", "failed", std::nullopt, std::nullopt, at_ms(1)),
      DatabaseError);
  CHECK_THROWS_AS(store.mark_finished("run-1", "running", std::nullopt, std::nullopt, at_ms(1)),
                  std::invalid_argument);
  CHECK_THROWS_AS(store.insert_run(make_run("run-1", "thread-1", "alice", 5)), DatabaseError);
  CHECK_THROWS_WITH(store.insert_run(make_run("run-2", "no-thread", "alice", 5)),
                    Catch::Contains("create_thread"));
}

TEST_CASE("an input as deep as a client may send it is read back", "[database][run_store]") {
  auto backend = GENERATE(from_range(backends_under_test()));
  CAPTURE(backend);
  TestDatabase db(backend);
  auto manager = db.open_migrated();
  RunStore store(*manager);
  store.create_thread("thread-1", "alice");
  auto run = make_run("run-deep", "thread-1", "alice", 1'700'000'000'001);
  // The run's input object holds 63 arrays: 64 levels, as POST /v1/runs accepts.
  json::value deep = 1;
  for (int i = 0; i < 63; ++i) deep = json::array{deep};
  run.input = json::object{{"v", deep}};
  store.insert_run(run);
  const auto found = store.find_run("run-deep", "alice");
  REQUIRE(found);
  CHECK(found->input == run.input);
}

TEST_CASE("another user's threads and runs and events are invisible", "[database][run_store]") {
  auto backend = GENERATE(from_range(backends_under_test()));
  CAPTURE(backend);
  TestDatabase db(backend);
  auto manager = db.open_migrated();
  RunStore store(*manager);

  store.create_thread("shared-name", "alice");
  CHECK(store.thread_owner("shared-name", "alice") == RunStore::ThreadOwnership::owned);
  CHECK(store.thread_owner("shared-name", "bob") == RunStore::ThreadOwnership::foreign);
  CHECK(store.thread_owner("nobody-has-this", "bob") == RunStore::ThreadOwnership::absent);
  try {
    store.create_thread("shared-name", "bob");
    FAIL("bob took over alice's thread");
  } catch (const OwnershipError& e) {
    CHECK_THAT(std::string(e.what()), !Catch::Contains("alice"));
  }
  // Bob cannot put a run into alice's thread either.
  CHECK_THROWS_AS(store.insert_run(make_run("bob-run", "shared-name", "bob", 1)), OwnershipError);

  store.insert_run(make_run("alice-run", "shared-name", "alice", 1));
  CHECK(store.find_run("alice-run", "alice"));
  CHECK_FALSE(store.find_run("alice-run", "bob"));
  CHECK(store.runs_of_thread("shared-name", "alice").size() == 1);
  CHECK(store.runs_of_thread("shared-name", "bob").empty());

  {
    auto lease = manager->acquire();
    lease.session() << "INSERT INTO events (run_id, seq, user_id, thread_id, type, agent_name,"
                       " timestamp, payload) VALUES ('alice-run', 1, 'alice', 'shared-name',"
                       " 'agent_started', 'echo', 1700000000000, '{\"x\":1}')";
  }
  auto own = store.events_after("alice-run", "alice", 0);
  REQUIRE(own.size() == 1);
  CHECK(own[0].payload == json::object{{"x", 1}});
  CHECK(own[0].user_id == "alice");
  CHECK(own[0].timestamp == at_ms(1'700'000'000'000));
  CHECK(store.events_after("alice-run", "bob", 0).empty());
}

TEST_CASE("runs of a thread come oldest first", "[database][run_store]") {
  auto backend = GENERATE(from_range(backends_under_test()));
  CAPTURE(backend);
  TestDatabase db(backend);
  auto manager = db.open_migrated();
  RunStore store(*manager);
  store.create_thread("t", "u");
  store.create_thread("other", "u");
  store.insert_run(make_run("c", "t", "u", 300));
  store.insert_run(make_run("a", "t", "u", 100));
  store.insert_run(make_run("b", "t", "u", 200));
  store.insert_run(make_run("elsewhere", "other", "u", 150));
  std::vector<std::string> ids;
  for (const auto& run : store.runs_of_thread("t", "u")) ids.push_back(run.run_id);
  CHECK(ids == std::vector<std::string>{"a", "b", "c"});

  // Pages: `limit` runs after the cursor run, in the same order.
  auto page = [&](std::size_t limit, const std::string& after) {
    std::vector<std::string> out;
    for (const auto& run : store.runs_of_thread("t", "u", limit, after)) out.push_back(run.run_id);
    return out;
  };
  CHECK(page(2, "") == std::vector<std::string>{"a", "b"});
  CHECK(page(2, "b") == std::vector<std::string>{"c"});
  CHECK(page(2, "c").empty());
  // A cursor that is not a run of this thread and user gives nothing.
  CHECK(page(2, "elsewhere").empty());
  CHECK(store.runs_of_thread("t", "other-user", 2, "a").empty());
}
