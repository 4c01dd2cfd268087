// ExecutionEngine::submit_async: a refusal is reported before it returns; on SQLite a
// run is queued by the commit of its record (no thread waits for it), and a record
// the database does not store in time is given up: the client is refused, the run's
// place given back, and the record says failed once the write lands; shutdown waits
// for a submission only until that deadline.
#include <catch2/catch.hpp>

#include <soci/soci.h>

#include <chrono>
#include <future>
#include <memory>
#include <optional>
#include <string>
#include <thread>

#include "database/database_error.hpp"
#include "execution_test_support.hpp"
#include "support/wait_until.hpp"

using namespace agenthost;
using namespace agenthost::execution;
using namespace agenthost::execution::test;
using agenthost::testing::wait_until;
namespace rs = agenthost::database::run_status;

namespace {

/// The message of the exception `result` holds ("" when it holds a ticket).
std::string error_of(const SubmitResult& result) {
  const auto* error = std::get_if<std::exception_ptr>(&result);
  if (!error) return "";
  try {
    std::rethrow_exception(*error);
  } catch (const std::exception& e) {
    return e.what();
  }
}

/// Another connection holding the database's write lock while it lives: the event
/// log's writer cannot commit.
class WriteLock {
 public:
  explicit WriteLock(TestHost& host) : lease_(host.manager->acquire()) {
    lease_.session() << "BEGIN IMMEDIATE";
  }
  ~WriteLock() { lease_.session() << "ROLLBACK"; }
  WriteLock(const WriteLock&) = delete;
  WriteLock& operator=(const WriteLock&) = delete;

 private:
  database::DatabaseSessionManager::Lease lease_;
};

/// An engine on `host` whose records must be stored within 300 ms.
std::unique_ptr<ExecutionEngine> engine_with_short_record_deadline(TestHost& host) {
  auto options = test_options();
  options.record_write_timeout = std::chrono::milliseconds(300);
  return host.make_engine(options);
}

/// The text between the first pair of double quotes in `message`.
std::string first_quoted(const std::string& message) {
  const auto open = message.find('"');
  const auto close = message.find('"', open + 1);
  if (open == std::string::npos || close == std::string::npos) return "";
  return message.substr(open + 1, close - open - 1);
}

}  // namespace

TEST_CASE("submit_async reports a refusal before it returns, a ticket once the record is stored") {
  auto backend = GENERATE(from_range(database::test::backends_under_test()));
  TestHost host(backend);
  auto engine = host.make_engine(test_options());

  std::optional<SubmitResult> refused;
  engine->submit_async(request("user-alice", "no-such-agent"), nullptr,
                       [&](SubmitResult r) { refused = std::move(r); });
  REQUIRE(refused);
  CHECK_THAT(error_of(*refused), Catch::Contains("no agent named \"no-such-agent\""));

  std::promise<std::pair<SubmitResult, std::thread::id>> answered;
  auto answer = answered.get_future();
  engine->submit_async(request("user-alice", "chatty", boost::json::object{{"count", 2}}),
                       host.sink(), [&](SubmitResult r) {
                         answered.set_value({std::move(r), std::this_thread::get_id()});
                       });
  REQUIRE(answer.wait_for(std::chrono::seconds(30)) == std::future_status::ready);
  auto [result, thread] = answer.get();
  INFO(error_of(result));
  REQUIRE(std::holds_alternative<RunTicket>(result));
  // SQLite: completed by the writer's commit, not on the submitting thread.
  CHECK((thread != std::this_thread::get_id()) == engine->submits_without_blocking());
  const auto& ticket = std::get<RunTicket>(result);
  CHECK(wait_final(ticket).status == rs::completed);
  const auto record = host.runs->find_run(ticket.run_id, "user-alice");
  REQUIRE(record);
  CHECK(record->status == rs::completed);
  CHECK(host.journal.of_run(ticket.run_id).size() == 4);  // started, 2 thinking, completed
}

TEST_CASE(
    "a run whose record the database does not store in time is refused, its place given "
    "back, and its record says failed") {
  TestHost host("sqlite3");  // the event log's writer takes the record: SQLite
  auto engine = engine_with_short_record_deadline(host);
  REQUIRE(engine->submits_without_blocking());

  std::string message;
  {
    WriteLock lock(host);
    try {
      engine->submit(request("user-alice", "chatty", boost::json::object{{"count", 1}}));
      FAIL("submit returned while the database could not store the run");
    } catch (const database::DatabaseError& e) {
      message = e.what();
    }
    CHECK_THAT(message, Catch::Contains("did not store run") && Catch::Contains("300 ms"));
    // Nothing of the refused run is left in the engine.
    const auto occupancy = engine->occupancy();
    CHECK(occupancy.runs == 0);
    CHECK(occupancy.users == 0);
    CHECK(occupancy.threads == 0);
  }

  // The write was left queued, with a failed status behind it.
  const auto run_id = first_quoted(message);
  REQUIRE_FALSE(run_id.empty());
  std::optional<database::RunRecord> record;
  REQUIRE(wait_until([&] {
    record = host.runs->find_run(run_id, "user-alice");
    return record && record->status == rs::failed;
  }));
  REQUIRE(record->error);
  CHECK(record->error->at("error_type") == "storage_unavailable");

  // The host goes on: the same user's next run is stored and runs.
  const auto next =
      engine->submit(request("user-alice", "chatty", boost::json::object{{"count", 1}}));
  CHECK(wait_final(next).status == rs::completed);
}

TEST_CASE("shutdown does not wait for a record the database never stores past its deadline") {
  TestHost host("sqlite3");
  auto engine = engine_with_short_record_deadline(host);

  WriteLock lock(host);
  std::promise<SubmitResult> answered;
  auto answer = answered.get_future();
  engine->submit_async(request("user-alice", "chatty", boost::json::object{{"count", 1}}), nullptr,
                       [&](SubmitResult r) { answered.set_value(std::move(r)); });
  // Admitted and waiting for its record: shutdown waits for it, until its deadline.
  CHECK(answer.wait_for(std::chrono::milliseconds(50)) == std::future_status::timeout);
  engine->shutdown(std::chrono::milliseconds(0));  // returns once the deadline gave it up
  REQUIRE(answer.wait_for(std::chrono::seconds(30)) == std::future_status::ready);
  CHECK_THAT(error_of(answer.get()), Catch::Contains("did not store run"));
  CHECK(engine->occupancy().runs == 0);
}

TEST_CASE("shutdown gives up a final status the database does not store, and the run ends") {
  TestHost host("sqlite3");
  auto engine = host.make_engine(test_options());
  const auto t = engine->submit(
      request("user-alice", "probe.ask",
              boost::json::object{{"prompt", "go on?"}, {"schema", {{"type", "object"}}}}),
      host.sink());
  REQUIRE(host.journal.wait_until([&] {
    const auto run = host.runs->find_run(t.run_id, "user-alice");
    return run && run->status == database::run_status::waiting_input;
  }));

  WriteLock lock(host);  // the run's end (its agent_death and status) cannot be stored
  auto stopped = std::async(std::launch::async, [&] { engine->shutdown(0ms); });
  // After its few seconds of waiting for the status, shutdown gives the write up.
  REQUIRE(stopped.wait_for(std::chrono::seconds(30)) == std::future_status::ready);
  REQUIRE(t.finished.wait_for(0ms) == std::future_status::ready);
  CHECK(t.finished.get().status == database::run_status::interrupted);
  CHECK(engine->unrecorded_statuses() == 1);
  CHECK(engine->occupancy().runs == 0);
}
