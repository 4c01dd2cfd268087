// The run's transaction: committed on success, rolled back otherwise, like the host.

#include <catch2/catch.hpp>

#include <agenthost/testing/harness.hpp>

#include "sdk_test_agents.hpp"

using agenthost::testing::AgentHarness;
using agenthost::testing::TestContextBuilder;
using agenthost::testing::TestDatabase;
using agenthost::testing::TestDatabaseSession;

namespace {

void create_notes(AgentHarness& harness) {
  harness.database().sql() << "CREATE TABLE notes (run_id TEXT NOT NULL, value TEXT NOT NULL)";
}

}  // namespace

TEST_CASE("a completed run's writes are committed") {
  AgentHarness harness;
  harness.add_agent<sdk_test::NoteWriter>("note_writer");
  create_notes(harness);

  const auto result = harness.run("note_writer", {{"value", "kept"}});

  INFO(result.describe());
  REQUIRE(result.completed());
  CHECK(result.committed);
  CHECK(result.result.at("backend") == "sqlite3");
  std::string run_id, value;
  harness.database().sql() << "SELECT run_id, value FROM notes", soci::into(run_id),
      soci::into(value);
  CHECK(run_id == result.run_id);
  CHECK(value == "kept");
}

TEST_CASE("a failed run's writes are rolled back") {
  AgentHarness harness;
  harness.add_agent<sdk_test::NoteWriter>("note_writer");
  create_notes(harness);

  const auto result = harness.run("note_writer", {{"value", "lost"}, {"fail", true}});

  INFO(result.describe());
  CHECK(result.status == "failed");
  CHECK_FALSE(result.committed);
  CHECK(harness.database().count_rows("notes") == 0);
}

TEST_CASE("the database belongs to the run while it runs") {
  AgentHarness harness;
  harness.add_agent<sdk_test::Sleeper>("sleeper");
  auto running = harness.start("sleeper");
  REQUIRE(running.wait_for_event("agent_thinking"));
  CHECK_THROWS_AS(harness.database().sql(), std::logic_error);
  running.request_stop();
  CHECK(running.wait().status == "cancelled");
  CHECK_NOTHROW(harness.database().sql());
}

TEST_CASE("a test database session can be used alone") {
  TestDatabase database;
  database.sql() << "CREATE TABLE t (x INTEGER)";
  const auto context = TestContextBuilder().build();
  {
    TestDatabaseSession session(database, context);
    session.sql() << "INSERT INTO t (x) VALUES (1)";
    CHECK_THROWS_AS(TestDatabaseSession(database, context), std::logic_error);
    session.commit();
    CHECK(session.committed());
    CHECK_THROWS_AS(session.sql(), agenthost::RunEnded);
    CHECK_THROWS_AS(session.commit(), std::runtime_error);
  }
  {
    TestDatabaseSession session(database, context);
    session.sql() << "INSERT INTO t (x) VALUES (2)";
    // Destroyed without commit: rolled back, as the host's session is.
  }
  CHECK(database.count_rows("t") == 1);
}
