// Runs that ask their user (ExecutionContext::ask): input_required, status
// waiting_input, answers checked against the question's schema, input_received, and
// the waits' own clock and cap; on every backend under test.
#include <catch2/catch.hpp>

#include <boost/json/parse.hpp>

#include <algorithm>
#include <string>
#include <thread>
#include <vector>

#include "execution_test_support.hpp"

using namespace agenthost;
using namespace agenthost::execution;
using namespace agenthost::execution::test;
namespace rs = agenthost::database::run_status;
using Outcome = AnswerResult::Outcome;

namespace {

const boost::json::object kApproveSchema =
    boost::json::parse(
        R"({"type":"object","properties":{"approve":{"type":"boolean"}},"required":["approve"],
        "additionalProperties":false})")
        .as_object();

boost::json::object ask_input(boost::json::object extra = {}) {
  extra["prompt"] = "approve the refund?";
  extra["schema"] = kApproveSchema;
  return extra;
}

// Waits until the run's stored status is `status`.
bool stored_status_is(TestHost& host, const RunTicket& t, const std::string& user,
                      std::string_view status) {
  return host.journal.wait_until([&] {
    auto run = host.runs->find_run(t.run_id, user);
    return run && run->status == status;
  });
}

}  // namespace

TEST_CASE("a run asks, waits in waiting_input, and continues with the answer") {
  auto backend = GENERATE(from_range(database::test::backends_under_test()));
  TestHost host(backend);
  auto engine = host.make_engine(test_options());
  const auto t = engine->submit(request("user-a1", "probe.ask", ask_input()), host.sink());

  REQUIRE(host.journal.wait_for_event(t.run_id, "input_required"));
  REQUIRE(stored_status_is(host, t, "user-a1", rs::waiting_input));
  const auto asked = host.journal.of_run(t.run_id).back();
  CHECK(asked->payload.at("prompt") == "approve the refund?");
  CHECK(asked->payload.at("schema") == kApproveSchema);
  const auto question_id = asked->payload.at("question_id");
  CHECK(question_id.as_string().size() > 0);
  // The stored run shows the question while it waits.
  const auto waiting = host.runs->find_run(t.run_id, "user-a1");
  REQUIRE(waiting->question);
  CHECK(waiting->question->at("question_id") == question_id);
  CHECK(engine->occupancy().waiting_input == 1);
  CHECK(engine->occupancy().active == 0);  // a waiting run holds no concurrency slot

  // An answer that does not fit names the field; the run keeps waiting.
  auto bad = engine->answer("user-a1", t.run_id, boost::json::parse(R"({"approve":"yes"})"));
  CHECK(bad.outcome == Outcome::invalid);
  CHECK_THAT(bad.message, Catch::Contains("/approve"));
  // Another user's answer: the run looks absent.
  CHECK(engine->answer("user-other", t.run_id, {{"approve", true}}).outcome == Outcome::not_found);
  CHECK(engine->answer("user-a1", "no-such-run-0001", {{"approve", true}}).outcome ==
        Outcome::not_found);
  CHECK(host.runs->find_run(t.run_id, "user-a1")->status == rs::waiting_input);

  CHECK(engine->answer("user-a1", t.run_id, {{"approve", true}}).outcome == Outcome::accepted);
  const auto outcome = wait_final(t);
  CHECK(outcome.status == rs::completed);
  CHECK(outcome.result->at("answer") == boost::json::object{{"approve", true}});
  CHECK(host.journal.types_of(t.run_id) ==
        std::vector<std::string>{"agent_started", "input_required", "input_received",
                                 "agent_completed"});
  const auto stored = host.stored_events(t.run_id, "user-a1");
  REQUIRE(stored.size() == 4);
  for (std::size_t i = 0; i < stored.size(); ++i) CHECK(stored[i].seq == i + 1);
  CHECK(stored[2].type == "input_received");
  CHECK(stored[2].payload.at("question_id") == question_id);
  CHECK(stored[2].payload.at("input") == boost::json::object{{"approve", true}});
  // Answering a finished run: it exists, but waits for nothing.
  auto late = engine->answer("user-a1", t.run_id, {{"approve", false}});
  CHECK(late.outcome == Outcome::not_waiting);
  CHECK_THAT(late.message, Catch::Contains("completed"));
  CHECK(!host.runs->find_run(t.run_id, "user-a1")->question);
  CHECK(engine->occupancy().waiting_input == 0);
}

TEST_CASE("a run that asks twice is answered twice - an answer while it works is refused") {
  auto backend = GENERATE(from_range(database::test::backends_under_test()));
  TestHost host(backend);
  auto engine = host.make_engine(test_options());
  const auto t =
      engine->submit(request("user-a2", "probe.ask", ask_input({{"twice", true}})), host.sink());
  REQUIRE(host.journal.wait_for_event(t.run_id, "input_required"));
  CHECK(engine->answer("user-a2", t.run_id, {{"approve", true}}).outcome == Outcome::accepted);
  REQUIRE(host.journal.wait_until([&] {
    auto types = host.journal.types_of(t.run_id);
    return std::count(types.begin(), types.end(), "input_required") == 2;
  }));
  CHECK(engine->answer("user-a2", t.run_id, {{"approve", false}}).outcome == Outcome::accepted);
  const auto outcome = wait_final(t);
  REQUIRE(outcome.status == rs::completed);
  CHECK(outcome.result->at("answer") ==
        boost::json::array{boost::json::object{{"approve", true}},
                           boost::json::object{{"approve", false}}});
}

TEST_CASE("cancel ends a waiting run at once") {
  auto backend = GENERATE(from_range(database::test::backends_under_test()));
  TestHost host(backend);
  auto engine = host.make_engine(test_options());
  const auto t = engine->submit(request("user-a3", "probe.ask", ask_input()), host.sink());
  REQUIRE(host.journal.wait_for_event(t.run_id, "input_required"));
  REQUIRE(stored_status_is(host, t, "user-a3", rs::waiting_input));

  CHECK(engine->cancel("user-a3", t.run_id));
  const auto outcome = wait_final(t);
  CHECK(outcome.status == rs::cancelled);
  CHECK(host.journal.types_of(t.run_id) ==
        std::vector<std::string>{"agent_started", "input_required", "agent_death"});
  CHECK(host.runs->find_run(t.run_id, "user-a3")->status == rs::cancelled);
  CHECK(engine->answer("user-a3", t.run_id, {{"approve", true}}).outcome == Outcome::not_waiting);
  const auto o = engine->occupancy();
  CHECK(o.waiting_input == 0);
  CHECK(o.active == 0);
  CHECK(o.timers == 0);
}

TEST_CASE("input_timeout ends a run that waits too long - run_timeout counts working time only") {
  auto backend = GENERATE(from_range(database::test::backends_under_test()));
  TestHost host(backend);
  auto options = test_options();
  options.run_timeout = 300ms;
  options.input_timeout = 200ms;

  SECTION("unanswered: timed_out with death cause input_timeout") {
    auto engine = host.make_engine(options);
    const auto t = engine->submit(request("user-a4", "probe.ask", ask_input()), host.sink());
    const auto outcome = wait_final(t);
    CHECK(outcome.status == rs::timed_out);
    CHECK(outcome.error->at("error_type") == "input_timeout");
    const auto death = host.journal.of_run(t.run_id).back();
    CHECK(death->type == "agent_death");
    CHECK(death->payload.at("death_cause") == "input_timeout");
  }
  SECTION("a wait longer than run_timeout does not time the run out") {
    options.input_timeout = 10s;
    auto engine = host.make_engine(options);
    const auto t = engine->submit(request("user-a4", "probe.ask", ask_input()), host.sink());
    REQUIRE(host.journal.wait_for_event(t.run_id, "input_required"));
    // The passage of time is what is tested: the wait outlasts the run_timeout.
    std::this_thread::sleep_for(2 * options.run_timeout);
    CHECK(!is_final_within(t, 0ms));
    CHECK(engine->answer("user-a4", t.run_id, {{"approve", false}}).outcome == Outcome::accepted);
    CHECK(wait_final(t).status == rs::completed);
  }
  SECTION("working time before and after the wait adds up to run_timeout") {
    options.input_timeout = 10s;
    auto engine = host.make_engine(options);
    const auto t = engine->submit(request("user-a4", "probe.ask", ask_input({{"work_ms", 60000}})),
                                  host.sink());
    REQUIRE(host.journal.wait_for_event(t.run_id, "input_required"));
    CHECK(engine->answer("user-a4", t.run_id, {{"approve", true}}).outcome == Outcome::accepted);
    const auto outcome = wait_final(t);
    CHECK(outcome.status == rs::timed_out);
    CHECK(outcome.error->at("error_type") == "timeout");
  }
}

TEST_CASE("waiting runs have a per-user cap of their own, apart from concurrent runs") {
  auto backend = GENERATE(from_range(database::test::backends_under_test()));
  TestHost host(backend);
  auto options = test_options();
  options.max_concurrent_runs_per_user = 1;
  options.max_waiting_runs_per_user = 2;
  auto engine = host.make_engine(options);

  // One concurrent slot, yet two runs wait at once: a waiting run gives its slot back.
  const auto a = engine->submit(request("user-a5", "probe.ask", ask_input()), host.sink());
  const auto b = engine->submit(request("user-a5", "probe.ask", ask_input()), host.sink());
  REQUIRE(host.journal.wait_for_event(a.run_id, "input_required"));
  REQUIRE(host.journal.wait_for_event(b.run_id, "input_required"));
  CHECK(engine->occupancy().waiting_input == 2);
  // The third asks beyond the cap: its ask() throws, and the run fails saying why.
  const auto c = engine->submit(request("user-a5", "probe.ask", ask_input()), host.sink());
  const auto failed = wait_final(c);
  CHECK(failed.status == rs::failed);
  CHECK_THAT(std::string(failed.error->at("message").as_string()),
             Catch::Contains("max_waiting_runs_per_user"));
  // Another user is not affected.
  const auto other = engine->submit(request("user-a6", "probe.ask", ask_input()), host.sink());
  REQUIRE(host.journal.wait_for_event(other.run_id, "input_required"));

  for (const auto* t : {&a, &b})
    CHECK(engine->answer("user-a5", t->run_id, {{"approve", true}}).outcome == Outcome::accepted);
  CHECK(engine->answer("user-a6", other.run_id, {{"approve", true}}).outcome == Outcome::accepted);
  for (const auto* t : {&a, &b, &other}) CHECK(wait_final(*t).status == rs::completed);
  CHECK(engine->occupancy().users == 0);
}

TEST_CASE("a checkpoint is stored with the run") {
  auto backend = GENERATE(from_range(database::test::backends_under_test()));
  TestHost host(backend);
  auto engine = host.make_engine(test_options());
  const auto t = engine->submit(request("user-a7", "probe.ask", ask_input({{"checkpoint", true}})),
                                host.sink());
  REQUIRE(host.journal.wait_for_event(t.run_id, "input_required"));
  CHECK(host.runs->checkpoint(t.run_id) == boost::json::value{{"asked", true}});
  CHECK(engine->answer("user-a7", t.run_id, {{"approve", true}}).outcome == Outcome::accepted);
  CHECK(wait_final(t).status == rs::completed);
}

TEST_CASE("shutdown ends a waiting run") {
  TestHost host("sqlite3");
  auto engine = host.make_engine(test_options());
  const auto t = engine->submit(request("user-a8", "probe.ask", ask_input()), host.sink());
  REQUIRE(host.journal.wait_for_event(t.run_id, "input_required"));
  engine->shutdown(0ms);
  CHECK(wait_final(t).status == rs::interrupted);
}
