#include <boost/json/parse.hpp>
#include <catch2/catch.hpp>

#include "event_test_support.hpp"
#include "events/event_router.hpp"
#include "events/host_events.hpp"
#include "events/user_event_emitter.hpp"

namespace ev = agenthost::events;
namespace json = boost::json;

TEST_CASE("host payloads have the fields of the original events table", "[host_events]") {
  CHECK(
      ev::started_payload({{"source", "api"}}) ==
      json::parse(R"({"status":"started","metadata":{"source":"api"},"message":"Agent started"})"));
  CHECK(ev::completed_payload(json::parse(R"({"answer":42})")) ==
        json::parse(R"({"success":true,"result":{"answer":42},"message":"Agent completed"})"));

  const auto error = ev::error_payload("ToolError", "tool failed", true);
  CHECK(error.at("error_type") == "ToolError");
  CHECK(error.at("error_message") == "tool failed");
  CHECK(error.at("recoverable") == true);
  CHECK(error.at("message").is_string());

  const auto executing = ev::tool_executing_payload("search", json::object{{"q", "weather"}});
  CHECK(executing.at("tool_name") == "search");
  CHECK(executing.at("tool_input") == json::object{{"q", "weather"}});
  CHECK(executing.at("message") == "Running tool search");

  const auto completed = ev::tool_completed_payload("search", false, "3 results");
  CHECK(completed.at("tool_name") == "search");
  CHECK(completed.at("success") == false);
  CHECK(completed.at("result_summary") == "3 results");
  CHECK(completed.at("message") == "Tool search failed");
}

TEST_CASE("death payloads name their cause and a recovery action", "[host_events]") {
  using ev::DeathCause;
  const auto [cause, name] =
      GENERATE(table<DeathCause, std::string>({{DeathCause::timeout, "timeout"},
                                               {DeathCause::cancelled, "cancelled"},
                                               {DeathCause::shutdown, "shutdown"},
                                               {DeathCause::interrupted, "interrupted"}}));
  CHECK(ev::to_string(cause) == name);
  const auto payload = ev::death_payload(cause, "run ended");
  CHECK(payload.at("status") == "dead");
  CHECK(ev::test::text(payload.at("death_cause")) == name);
  CHECK(payload.at("message") == "run ended");
  CHECK_FALSE(payload.at("recovery_action").as_string().empty());
}

TEST_CASE("an error event leaves the emitter sanitised", "[host_events]") {
  ev::test::RecordingStore store;
  ev::EventRouter router;
  ev::UserEventEmitter emitter(ev::test::make_context("alice", "run-err"), store, router);

  emitter.emit_terminal(
      "agent_error",
      ev::error_payload("IOError", "cannot read /home/alice/.config/agent/db.sqlite", false));

  const auto events = store.log.events();
  REQUIRE(events.size() == 1);
  CHECK(events[0]->payload.at("error_message") == "cannot read <path>/db.sqlite");
  CHECK(emitter.closed());
}
