#include <catch2/catch.hpp>

#include <soci/soci.h>

#include "database/migrations.hpp"
#include "database_test_support.hpp"

using namespace agenthost::database;
using namespace agenthost::database::test;

namespace {

long long count_rows(soci::session& sql, const std::string& table) {
  long long n = -1;
  sql << "SELECT COUNT(*) FROM " + table, soci::into(n);
  return n;
}

}  // namespace

TEST_CASE("migrations create the schema once and record the version", "[database][migrations]") {
  auto backend = GENERATE(from_range(backends_under_test()));
  CAPTURE(backend);
  TestDatabase db(backend);
  auto manager = db.open();
  apply_migrations(*manager);
  apply_migrations(*manager);  // idempotent: nothing to do the second time

  auto lease = manager->acquire();
  auto& sql = lease.session();
  long long version = 0, versions = 0, applied_at = 0;
  sql << "SELECT MAX(version), COUNT(*) FROM schema_version", soci::into(version),
      soci::into(versions);
  sql << "SELECT applied_at FROM schema_version WHERE version = 1", soci::into(applied_at);
  CHECK(version == latest_schema_version());
  CHECK(versions == latest_schema_version());
  CHECK(applied_at > 1700000000000LL);  // epoch milliseconds
  for (const auto* table : {"threads", "runs", "events"}) CHECK(count_rows(sql, table) == 0);

  // A second host starting later finds the schema in place.
  lease.release();
  auto other = db.open();
  apply_migrations(*other);
  auto again = other->acquire();
  CHECK(count_rows(again.session(), "schema_version") == latest_schema_version());
}

TEST_CASE("migrations refuse a database newer than the host", "[database][migrations]") {
  auto backend = GENERATE(from_range(backends_under_test()));
  CAPTURE(backend);
  TestDatabase db(backend);
  auto manager = db.open_migrated();
  {
    auto lease = manager->acquire();
    long long future = latest_schema_version() + 1;
    lease.session() << "INSERT INTO schema_version (version, applied_at) VALUES (:v, 0)",
        soci::use(future);
  }
  CHECK_THROWS_WITH(apply_migrations(*manager), Catch::Contains("newer agenthost"));
}

TEST_CASE("the runs table refuses unknown statuses and unknown threads", "[database][migrations]") {
  auto backend = GENERATE(from_range(backends_under_test()));
  CAPTURE(backend);
  TestDatabase db(backend);
  auto manager = db.open_migrated();
  auto lease = manager->acquire();
  auto& sql = lease.session();
  sql << "INSERT INTO threads (thread_id, user_id, created_at) VALUES ('t1', 'u1', 0)";
  CHECK_THROWS(sql << "INSERT INTO runs (run_id, thread_id, user_id, agent_name, status, input,"
                      " created_at) VALUES ('r1', 't1', 'u1', 'a', 'exploded', '{}', 0)");
  CHECK_THROWS(sql << "INSERT INTO runs (run_id, thread_id, user_id, agent_name, status, input,"
                      " created_at) VALUES ('r2', 'no-such-thread', 'u1', 'a', 'queued', '{}', 0)");
  CHECK(count_rows(sql, "runs") == 0);
}
