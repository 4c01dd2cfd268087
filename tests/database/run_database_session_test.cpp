#include <catch2/catch.hpp>

#include <soci/soci.h>
#include <agenthost/event_emitter.hpp>
#include <agenthost/execution_context.hpp>

#include <future>
#include <thread>

#include "database/run_database_session.hpp"
#include "database_test_support.hpp"
#include "fiber/blocking_pool.hpp"
#include "fiber/fiber_waiter.hpp"

using namespace agenthost::database;
using namespace agenthost::database::test;
using namespace std::chrono_literals;

namespace {

agenthost::ExecutionContext context_for(const std::string& run_id) {
  agenthost::ContextFields f;
  f.user_id = "user-alice";
  f.thread_id = "thread-42";
  f.run_id = run_id;
  f.request_id = "request-" + run_id;
  f.agent_name = "notes_agent";
  return agenthost::ExecutionContext::create(std::move(f));
}

// These tests call the session from plain threads: its waits block them, as they
// block an agent's own threads in the host.
agenthost::fiber::FiberWaiter& off_fiber_waiter() {
  static agenthost::fiber::BlockingPool pool(1);
  static agenthost::fiber::FiberWaiter waiter("user-alice", pool);
  return waiter;
}

// The agent's own table, made by the test outside any run.
void create_notes_table(DatabaseSessionManager& manager) {
  auto lease = manager.acquire();
  lease.session() << "CREATE TABLE notes (id TEXT PRIMARY KEY, body TEXT NOT NULL)";
}

long long notes_named(DatabaseSessionManager& manager, const std::string& id) {
  auto lease = manager.acquire();
  long long n = -1;
  lease.session() << "SELECT COUNT(*) FROM notes WHERE id = :id", soci::use(id), soci::into(n);
  return n;
}

}  // namespace

TEST_CASE("a committed run keeps the agent's writes", "[database][run_session]") {
  auto backend = GENERATE(from_range(backends_under_test()));
  CAPTURE(backend);
  TestDatabase db(backend);
  auto manager = db.open_migrated();
  create_notes_table(*manager);

  RunDatabaseSession run(*manager, context_for("run-commit-1"), off_fiber_waiter());
  CHECK(run.backend() == backend);
  run.sql() << "INSERT INTO notes (id, body) VALUES ('n1', 'kept')";
  CHECK(notes_named(*manager, "n1") == 0);  // not visible before the commit
  run.commit();
  CHECK_FALSE(run.is_open());
  CHECK(manager->stats().in_use == 0);  // the session went back at commit
  CHECK(notes_named(*manager, "n1") == 1);

  CHECK_THROWS_AS(run.sql(), agenthost::RunEnded);
  CHECK_THROWS_WITH(run.sql(), Catch::Contains("run-commit-1") && Catch::Contains("committed"));
  CHECK_THROWS_WITH(run.commit(), Catch::Contains("already committed"));
  run.rollback();  // a no-op after the end
  CHECK(notes_named(*manager, "n1") == 1);
}

TEST_CASE("a rolled back run leaves nothing behind", "[database][run_session]") {
  auto backend = GENERATE(from_range(backends_under_test()));
  CAPTURE(backend);
  TestDatabase db(backend);
  auto manager = db.open_migrated();
  create_notes_table(*manager);

  RunDatabaseSession run(*manager, context_for("run-rollback-1"), off_fiber_waiter());
  run.sql() << "INSERT INTO notes (id, body) VALUES ('n2', 'discarded')";
  run.rollback();
  CHECK(notes_named(*manager, "n2") == 0);
  CHECK(manager->stats().in_use == 0);
  CHECK_THROWS_WITH(run.sql(), Catch::Contains("run-rollback-1") && Catch::Contains("rolled back"));
  CHECK_THROWS_AS(run.commit(), DatabaseError);
}

TEST_CASE("a run session destroyed without commit rolls back", "[database][run_session]") {
  auto backend = GENERATE(from_range(backends_under_test()));
  CAPTURE(backend);
  TestDatabase db(backend);
  auto manager = db.open_migrated([](DatabaseOptions& o) { o.pool_size = 1; });
  create_notes_table(*manager);
  {
    RunDatabaseSession run(*manager, context_for("run-abandoned-1"), off_fiber_waiter());
    run.sql() << "INSERT INTO notes (id, body) VALUES ('n3', 'abandoned')";
    CHECK(manager->stats().in_use == 1);
  }
  CHECK(manager->stats().in_use == 0);
  // The only session is back, outside any transaction: its next write commits alone.
  {
    auto lease = manager->acquire();
    lease.session() << "INSERT INTO notes (id, body) VALUES ('n4', 'after')";
  }
  CHECK(notes_named(*manager, "n3") == 0);
  CHECK(notes_named(*manager, "n4") == 1);
}

TEST_CASE("two runs' transactions do not see each other's writes", "[database][run_session]") {
  auto backend = GENERATE(from_range(backends_under_test()));
  CAPTURE(backend);
  TestDatabase db(backend);
  auto manager = db.open_migrated();
  create_notes_table(*manager);
  RunDatabaseSession writer(*manager, context_for("run-writer-1"), off_fiber_waiter());
  RunDatabaseSession reader(*manager, context_for("run-reader-1"), off_fiber_waiter());
  writer.sql() << "INSERT INTO notes (id, body) VALUES ('w', 'uncommitted')";
  long long seen = -1;
  reader.sql() << "SELECT COUNT(*) FROM notes", soci::into(seen);
  CHECK(seen == 0);
  writer.rollback();
  reader.commit();
}

TEST_CASE("interrupt() stops the statement an agent is running", "[database][run_session]") {
  auto backend = GENERATE(from_range(backends_under_test()));
  CAPTURE(backend);
  TestDatabase db(backend);
  auto manager = db.open_migrated();
  RunDatabaseSession run(*manager, context_for("run-slow-1"), off_fiber_waiter());
  const std::string endless =
      backend == "sqlite3"
          ? "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) SELECT MAX(i) FROM n"
          : "SELECT pg_sleep(600)";
  auto agent = std::async(std::launch::async, [&] {
    try {
      run.sql() << endless;
      return std::string("finished");
    } catch (const std::exception& e) {
      return std::string("threw: ") + e.what();
    }
  });
  // The cancel only hits a statement already running: repeat until the agent returns.
  const auto deadline = std::chrono::steady_clock::now() + 60s;
  while (agent.wait_for(10ms) != std::future_status::ready &&
         std::chrono::steady_clock::now() < deadline)
    run.interrupt();
  REQUIRE(agent.wait_for(0s) == std::future_status::ready);
  CHECK_THAT(agent.get(), Catch::StartsWith("threw"));
  run.rollback();
  CHECK(manager->stats().in_use == 0);
}

TEST_CASE("a run that never uses sql() ends without a transaction and without a session",
          "[database][run_session]") {
  auto backend = GENERATE(from_range(backends_under_test()));
  CAPTURE(backend);
  TestDatabase db(backend);
  auto manager = db.open_migrated();
  const auto idle = manager->stats().in_use;
  {
    RunDatabaseSession unused(*manager, context_for("run-unused-1"), off_fiber_waiter());
    CHECK(manager->stats().in_use == idle);  // nothing leased before the first use
    CHECK_FALSE(unused.holds_session());
    unused.commit();  // nothing to commit: no BEGIN was ever sent
    CHECK_FALSE(unused.is_open());
    CHECK(manager->stats().in_use == idle);
    CHECK_THROWS_AS(unused.sql(), agenthost::RunEnded);
  }
  {
    RunDatabaseSession unused(*manager, context_for("run-unused-2"), off_fiber_waiter());
    unused.interrupt();  // no statement: nothing to interrupt, nothing breaks
    unused.rollback();
    CHECK(manager->stats().in_use == idle);
  }
  // The sessions went back clean: a later run's transaction works as usual.
  create_notes_table(*manager);
  RunDatabaseSession later(*manager, context_for("run-later-1"), off_fiber_waiter());
  later.sql() << "INSERT INTO notes (id, body) VALUES ('k', 'kept')";
  later.commit();
  long long rows = 0;
  manager->acquire().session() << "SELECT COUNT(*) FROM notes", soci::into(rows);
  CHECK(rows == 1);
}
