// ExecutionEngine, one run at a time: the events and records of a run, agent errors
// that stay in their run, the transaction rules, refusals.
#include <catch2/catch.hpp>

#include "agenthost/id_rules.hpp"
#include "execution_test_support.hpp"

using namespace agenthost;
using namespace agenthost::execution;
using namespace agenthost::execution::test;
namespace rs = agenthost::database::run_status;

namespace {

std::string refusal_code(ExecutionEngine& engine, RunRequest r) {
  try {
    (void)engine.submit(std::move(r));
    return "accepted";
  } catch (const RunRefused& e) {
    return std::string(e.code());
  }
}

}  // namespace

TEST_CASE("a run goes through engine, scope, emitter and database with gapless events") {
  auto backend = GENERATE(from_range(database::test::backends_under_test()));
  TestHost host(backend);
  auto engine = host.make_engine(test_options());
  auto r = request("user-alice", "chatty", boost::json::object{{"count", 3}});
  r.metadata = {{"client", "unit-test"}};
  const auto ticket = engine->submit(std::move(r), host.sink());
  CHECK(id_problem(ticket.run_id).empty());
  CHECK(ticket.run_id.size() == 32);
  CHECK(ticket.request_id != ticket.run_id);

  const auto outcome = wait_final(ticket);
  CHECK(outcome.status == rs::completed);
  CHECK(outcome.result->at("emitted") == 3);

  const auto delivered = host.journal.of_run(ticket.run_id);
  REQUIRE(delivered.size() == 5);
  CHECK(host.journal.types_of(ticket.run_id) ==
        std::vector<std::string>{"agent_started", "agent_thinking", "agent_thinking",
                                 "agent_thinking", "agent_completed"});
  for (std::size_t i = 0; i < delivered.size(); ++i) {
    CHECK(delivered[i]->seq == i + 1);
    CHECK(delivered[i]->user_id == "user-alice");
    CHECK(delivered[i]->thread_id == ticket.thread_id);
    CHECK(delivered[i]->agent_name == "chatty");
  }
  CHECK(delivered[0]->payload.at("metadata").at("client") == "unit-test");

  // Final means: terminal event stored, status written.
  const auto stored = host.stored_events(ticket.run_id, "user-alice");
  REQUIRE(stored.size() == 5);
  CHECK(stored.back().type == "agent_completed");
  const auto record = host.runs->find_run(ticket.run_id, "user-alice");
  REQUIRE(record.has_value());
  CHECK(record->status == rs::completed);
  CHECK(record->thread_id == ticket.thread_id);
  CHECK(record->result->at("emitted") == 3);
  CHECK(record->started_at.has_value());
  CHECK(record->finished_at.has_value());
  CHECK(host.runs->thread_owner(ticket.thread_id, "user-alice") ==
        database::RunStore::ThreadOwnership::owned);
  // The submitter's subscription ended with the run.
  CHECK(host.router.subscription_count() == 0);
}

TEST_CASE("exceptions from constructor or run() become agent_error - the host keeps serving") {
  auto backend = GENERATE(from_range(database::test::backends_under_test()));
  TestHost host(backend);
  auto engine = host.make_engine(test_options());
  const auto failing = engine->submit(
      request("user-alice", "failing", boost::json::object{{"message", "boom at /opt/x/y.cpp"}}),
      host.sink());
  const auto ctor = engine->submit(request("user-alice", "throwing_ctor"), host.sink());
  const auto fine = engine->submit(
      request("user-alice", "chatty", boost::json::object{{"count", 1}}), host.sink());

  auto f = wait_final(failing);
  CHECK(f.status == rs::failed);
  CHECK(f.error->at("error_type") == "agent_error");
  CHECK(host.journal.types_of(failing.run_id) ==
        std::vector<std::string>{"agent_started", "agent_error"});
  const auto error_event = host.journal.of_run(failing.run_id).back();
  const std::string message(error_event->payload.at("error_message").as_string());
  CHECK_THAT(message, Catch::Contains("boom"));
  CHECK_THAT(message, !Catch::Contains("/opt/x"));  // sanitised

  auto c = wait_final(ctor);
  CHECK(c.status == rs::failed);
  CHECK(host.journal.types_of(ctor.run_id) == std::vector<std::string>{"agent_error"});
  CHECK(host.journal.of_run(ctor.run_id).front()->seq == 1);

  CHECK(wait_final(fine).status == rs::completed);
  const auto stats = engine->state().user_stats("user-alice").value();
  CHECK(stats.failed == 2);
  CHECK(stats.completed == 1);
  CHECK(host.runs->find_run(failing.run_id, "user-alice")->error->at("error_type") ==
        "agent_error");
}

TEST_CASE("an exception from the agent's destructor becomes agent_error - the host keeps serving") {
  auto backend = GENERATE(from_range(database::test::backends_under_test()));
  TestHost host(backend);
  auto engine = host.make_engine(test_options());
  const auto dtor = engine->submit(request("user-alice", "throwing_dtor"), host.sink());
  const auto after =
      engine->submit(request("user-alice", "chatty", boost::json::object{{"count", 1}}));
  const auto outcome = wait_final(dtor);
  CHECK(outcome.status == rs::failed);
  CHECK(outcome.error->at("error_type") == "agent_error");
  const auto types = host.journal.types_of(dtor.run_id);
  REQUIRE_FALSE(types.empty());
  CHECK(types.back() == "agent_error");
  CHECK(std::count(types.begin(), types.end(), "agent_completed") == 0);
  const auto last = host.journal.of_run(dtor.run_id).back();
  CHECK_THAT(std::string(last->payload.at("error_message").as_string()),
             Catch::Contains("destructor"));
  CHECK(wait_final(after).status == rs::completed);
}

TEST_CASE("the agent's transaction commits on success and rolls back on failure, cancel, timeout") {
  auto backend = GENERATE(from_range(database::test::backends_under_test()));
  TestHost host(backend);
  auto options = test_options();
  options.run_timeout = 300ms;
  auto engine = host.make_engine(options);

  const auto ok = engine->submit(
      request("user-alice", "dbwriter", boost::json::object{{"value", "kept"}}), host.sink());
  const auto failed = engine->submit(
      request("user-alice", "dbwriter", boost::json::object{{"value", "x"}, {"fail", true}}),
      host.sink());
  CHECK(wait_final(ok).status == rs::completed);
  CHECK(wait_final(failed).status == rs::failed);
  CHECK(host.notes_of(ok.run_id) == 1);
  CHECK(host.notes_of(failed.run_id) == 0);

  const auto cancelled = engine->submit(
      request("user-bob", "probe.write_then_wait", boost::json::object{{"value", "c"}}),
      host.sink());
  REQUIRE(host.journal.wait_for_event(cancelled.run_id, "agent_thinking"));  // written
  CHECK(engine->cancel("user-bob", cancelled.run_id));
  CHECK(wait_final(cancelled).status == rs::cancelled);
  CHECK(host.notes_of(cancelled.run_id) == 0);

  const auto timed_out = engine->submit(
      request("user-bob", "probe.write_then_wait", boost::json::object{{"value", "t"}}),
      host.sink());
  CHECK(wait_final(timed_out).status == rs::timed_out);
  CHECK(host.journal.types_of(timed_out.run_id) ==
        std::vector<std::string>{"agent_started", "agent_thinking", "agent_death"});
  CHECK(host.notes_of(timed_out.run_id) == 0);
}

TEST_CASE("refusals: unknown agent, invalid ids or metadata") {
  TestHost host("sqlite3");
  auto engine = host.make_engine(test_options());
  CHECK(refusal_code(*engine, request("user-alice", "no-such-agent")) == "unknown_agent");
  CHECK(refusal_code(*engine, request("default", "chatty")) == "invalid");
  CHECK(refusal_code(*engine, request("", "chatty")) == "invalid");
  CHECK(refusal_code(*engine, request("user-alice", "chatty", {}, "temp")) == "invalid");
  CHECK(refusal_code(*engine, request("user-alice", "chatty", {}, "bad thread")) == "invalid");
  auto r = request("user-alice", "chatty");
  r.metadata = {{"run_id", "forged"}};
  try {
    (void)engine->submit(std::move(r));
    FAIL("reserved metadata accepted");
  } catch (const RunRefused& e) {
    CHECK(e.code() == "invalid");
    CHECK_THAT(e.what(), Catch::Contains("metadata.run_id"));
  }
  // Input that does not fit the agent's input_schema (chatty: count an integer).
  try {
    (void)engine->submit(request("user-alice", "chatty", {{"count", "many"}}));
    FAIL("input against the agent's schema accepted");
  } catch (const RunRefused& e) {
    CHECK(e.code() == "invalid");
    CHECK_THAT(e.what(), Catch::Contains("input_schema of agent \"chatty\"") &&
                             Catch::Contains("/count") && Catch::Contains("type"));
  }
  // Nothing was stored or kept for refused runs.
  CHECK(engine->occupancy().runs == 0);
  CHECK(engine->state().global_stats().submitted == 0);
}
