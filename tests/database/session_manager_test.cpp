#include <catch2/catch.hpp>

#include <soci/soci.h>
#include <soci/sqlite3/soci-sqlite3.h>

#include <future>
#include <thread>

#include "database/database_session_manager.hpp"
#include "database_test_support.hpp"

using namespace agenthost::database;
using namespace agenthost::database::test;
using namespace std::chrono_literals;

TEST_CASE("the pool opens its sessions at construction and leases return", "[database][pool]") {
  auto backend = GENERATE(from_range(backends_under_test()));
  CAPTURE(backend);
  TestDatabase db(backend);
  auto manager = db.open();
  CHECK(manager->backend() == backend);
  CHECK(manager->stats().size == 4);
  CHECK(manager->stats().in_use == 0);
  {
    auto a = manager->acquire();
    auto b = manager->acquire();
    CHECK(manager->stats().in_use == 2);
    int one = 0;
    a.session() << "SELECT 1", soci::into(one);
    CHECK(one == 1);
    auto moved = std::move(a);
    CHECK_FALSE(a);
    CHECK_THROWS_AS(a.session(), DatabaseError);
    CHECK(manager->stats().in_use == 2);
    b.release();
    CHECK(manager->stats().in_use == 1);
  }
  CHECK(manager->stats().in_use == 0);
}

TEST_CASE("SQLite connections run without SQLite's own mutexes", "[database][pool]") {
  // Multi-thread mode (each connection used by one thread at a time) and no memory
  // statistics: a serialized connection has a mutex, and statistics count allocations.
  TestDatabase db("sqlite3");
  auto manager = db.open();
  auto lease = manager->acquire();
  auto* connection =
      static_cast<soci::sqlite3_session_backend*>(lease.session().get_backend())->conn_;
  CHECK(sqlite_api::sqlite3_db_mutex(connection) == nullptr);
  lease.session() << "CREATE TABLE allocations (x TEXT)";
  lease.session() << "INSERT INTO allocations VALUES ('a row')";
  CHECK(sqlite_api::sqlite3_memory_used() == 0);
}

TEST_CASE("an exhausted pool fails after its acquire timeout", "[database][pool]") {
  auto backend = GENERATE(from_range(backends_under_test()));
  CAPTURE(backend);
  TestDatabase db(backend);
  auto manager = db.open([](DatabaseOptions& o) {
    o.pool_size = 2;
    o.acquire_timeout = 200ms;
  });
  auto a = manager->acquire();
  auto b = manager->acquire();
  const auto start = std::chrono::steady_clock::now();
  CHECK_THROWS_WITH(manager->acquire(),
                    Catch::Contains("pool exhausted") && Catch::Contains("2 sessions"));
  // The one timing assertion the pool's contract demands: it did wait its timeout.
  CHECK(std::chrono::steady_clock::now() - start >= 200ms);
  auto stats = manager->stats();
  CHECK(stats.in_use == 2);
  CHECK(stats.waits == 1);
  CHECK(stats.total_wait >= 200ms);
}

TEST_CASE("a waiting acquire gets the session another thread returns", "[database][pool]") {
  auto backend = GENERATE(from_range(backends_under_test()));
  CAPTURE(backend);
  TestDatabase db(backend);
  auto manager = db.open([](DatabaseOptions& o) {
    o.pool_size = 1;
    o.acquire_timeout = 30s;
  });
  auto held = manager->acquire();
  auto waiter = std::async(std::launch::async, [&] {
    auto lease = manager->acquire();
    return static_cast<bool>(lease);
  });
  REQUIRE(wait_until([&] { return manager->stats().waiting == 1; }));
  held.release();
  CHECK(waiter.get());
  auto stats = manager->stats();
  CHECK(stats.in_use == 0);
  CHECK(stats.waiting == 0);
  CHECK(stats.waits == 1);
}

TEST_CASE("a discarded session is replaced by a fresh one", "[database][pool]") {
  auto backend = GENERATE(from_range(backends_under_test()));
  CAPTURE(backend);
  TestDatabase db(backend);
  auto manager = db.open([](DatabaseOptions& o) { o.pool_size = 1; });
  {
    auto lease = manager->acquire();
    lease.discard();
  }
  auto lease = manager->acquire();
  int one = 0;
  lease.session() << "SELECT 1", soci::into(one);
  CHECK(one == 1);
}

TEST_CASE("SQLite sessions use WAL and foreign keys", "[database][sqlite]") {
  TestDatabase db("sqlite3");
  auto manager = db.open([&](DatabaseOptions& o) {
    o.url = "sqlite:" + (db.dir() / "nested" / "deeper" / "host.db").string();
  });
  CHECK(std::filesystem::exists(db.dir() / "nested" / "deeper" / "host.db"));
  auto lease = manager->acquire();
  std::string mode;
  int foreign_keys = 0, sync = 0;
  lease.session() << "PRAGMA journal_mode", soci::into(mode);
  lease.session() << "PRAGMA foreign_keys", soci::into(foreign_keys);
  lease.session() << "PRAGMA synchronous", soci::into(sync);
  CHECK(mode == "wal");
  CHECK(foreign_keys == 1);
  CHECK(sync == 1);  // NORMAL
}

TEST_CASE("a SQLite writer waits busy_timeout for the write lock - then fails naming the lock",
          "[database][sqlite]") {
  TestDatabase db("sqlite3");
  auto manager = db.open([&](DatabaseOptions& o) { o.busy_timeout = 300ms; });
  auto holder = manager->acquire();
  auto waiter = manager->acquire();
  holder.session() << "BEGIN IMMEDIATE";
  const auto start = std::chrono::steady_clock::now();
  CHECK_THROWS_WITH(waiter.session() << "BEGIN IMMEDIATE", Catch::Contains("database is locked"));
  const auto waited = std::chrono::steady_clock::now() - start;
  CHECK(waited >= 300ms);  // it retried for the whole timeout...
  CHECK(waited < 10s);     // ...and then gave up
  holder.session() << "COMMIT";
  waiter.session() << "BEGIN IMMEDIATE";  // free again: no wait at all
  waiter.session() << "COMMIT";
}

TEST_CASE("opening a database that cannot be reached fails at once without the password",
          "[database][pool]") {
  // A unix socket dir that does not exist: libpq fails without any network.
  const auto missing = std::filesystem::temp_directory_path() / unique_id("no-pg-here");
  DatabaseOptions o;
  o.url = "postgresql://alice:Very%2FSecret@/agenthost?host=" + missing.string();
  try {
    DatabaseSessionManager manager(o);
    FAIL("opening an unreachable database succeeded");
  } catch (const DatabaseError& e) {
    const std::string what = e.what();
    CHECK_THAT(what, Catch::Contains("cannot open database") && Catch::Contains("alice:***@"));
    CHECK_THAT(what, !Catch::Contains("Very") && !Catch::Contains("Secret"));
  }

  o.url = "sqlite:/proc/agenthost-cannot-create-this/host.db";
  CHECK_THROWS_WITH(DatabaseSessionManager(o), Catch::Contains("/proc/agenthost-cannot"));
  o.url = "sqlite:/tmp/x.db";
  o.pool_size = 0;
  CHECK_THROWS_WITH(DatabaseSessionManager(o), Catch::Contains("pool_size"));
}
