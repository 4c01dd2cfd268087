// A run's final status the database refuses: kept and written once status writes
// succeed again, counted meanwhile (the /readyz and
// metric figure). The refusal is real: a trigger in the test's own database.
#include <catch2/catch.hpp>

#include <soci/soci.h>

#include "execution_test_support.hpp"

using namespace agenthost;
using namespace agenthost::execution;
using namespace agenthost::execution::test;
namespace rs = agenthost::database::run_status;

namespace {

// Makes every write of status 'completed' to the runs table fail, or allows it again.
void refuse_completed_status(TestHost& host, bool refuse) {
  auto lease = host.manager->acquire();
  auto& sql = lease.session();
  if (host.db.backend() == "sqlite3") {
    if (refuse)
      sql << "CREATE TRIGGER refuse_completed BEFORE UPDATE ON runs"
             " WHEN NEW.status = 'completed' BEGIN SELECT RAISE(ABORT, 'refused by the test');"
             " END";
    else
      sql << "DROP TRIGGER refuse_completed";
    return;
  }
  if (refuse) {
    sql << "CREATE FUNCTION refuse_completed() RETURNS trigger AS $$ BEGIN"
           " RAISE EXCEPTION 'refused by the test'; END $$ LANGUAGE plpgsql";
    sql << "CREATE TRIGGER refuse_completed BEFORE UPDATE ON runs FOR EACH ROW"
           " WHEN (NEW.status = 'completed') EXECUTE FUNCTION refuse_completed()";
  } else {
    sql << "DROP TRIGGER refuse_completed ON runs";
  }
}

}  // namespace

TEST_CASE("a refused final status is kept, then written once writes succeed") {
  auto backend = GENERATE(from_range(database::test::backends_under_test()));
  TestHost host(backend);
  auto engine = host.make_engine(test_options());

  refuse_completed_status(host, true);
  const auto first =
      engine->submit(request("user-alice", "chatty", boost::json::object{{"count", 1}}));
  CHECK(wait_final(first).status == rs::completed);  // the run itself ended
  CHECK(engine->status_write_failures() == 1);
  CHECK(engine->unrecorded_statuses() == 1);
  // Its terminal event is stored; its record still says running.
  CHECK(host.stored_events(first.run_id, "user-alice").back().type == "agent_completed");
  CHECK(host.runs->find_run(first.run_id, "user-alice")->status == rs::running);

  // The database takes writes again: the next run's status write carries the kept one.
  refuse_completed_status(host, false);
  const auto second =
      engine->submit(request("user-bob", "chatty", boost::json::object{{"count", 1}}));
  CHECK(wait_final(second).status == rs::completed);
  CHECK(engine->unrecorded_statuses() == 0);
  CHECK(engine->status_write_failures() == 1);  // a count since start, not a level
  const auto record = host.runs->find_run(first.run_id, "user-alice");
  REQUIRE(record);
  CHECK(record->status == rs::completed);
  REQUIRE(record->result);
  CHECK(record->result->at("emitted") == 1);
  CHECK(host.runs->find_run(second.run_id, "user-bob")->status == rs::completed);
}
