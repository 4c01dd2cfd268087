#include <catch2/catch.hpp>

#include <agenthost/event_emitter.hpp>

#include <memory>
#include <stdexcept>
#include <string>

#include "event_test_support.hpp"
#include "events/event_router.hpp"
#include "events/host_events.hpp"
#include "events/user_event_emitter.hpp"

namespace ev = agenthost::events;
namespace json = boost::json;
using ev::test::make_context;
using ev::test::RecordingSink;
using ev::test::RecordingStore;

TEST_CASE("events are stamped with the context's ids and seq from 1", "[emitter]") {
  RecordingStore store;
  ev::EventRouter router;
  auto sink = std::make_shared<RecordingSink>();
  auto subscription = router.subscribe("alice", "run-1", sink);
  ev::UserEventEmitter emitter(make_context("alice", "run-1", "thread-9", "planner"), store,
                               router);
  CHECK(emitter.last_seq() == 0);

  const auto before = std::chrono::system_clock::now();
  emitter.emit_host("agent_started", {{"status", "started"}});
  emitter.emit("agent_thinking", {{"thought", "a"}});
  emitter.emit("planner.step_done", {{"step", 1}});
  const auto after = std::chrono::system_clock::now();

  const auto stored = store.log.events();
  REQUIRE(stored.size() == 3);
  CHECK(ev::test::seqs(stored) == std::vector<std::uint64_t>{1, 2, 3});
  for (const auto& e : stored) {
    CHECK(e->user_id == "alice");
    CHECK(e->run_id == "run-1");
    CHECK(e->thread_id == "thread-9");
    CHECK(e->agent_name == "planner");
    CHECK(e->timestamp >= before);
    CHECK(e->timestamp <= after);
  }
  CHECK(stored[0]->type == "agent_started");
  CHECK(stored[2]->type == "planner.step_done");
  CHECK(stored[2]->payload == json::object{{"step", 1}});
  CHECK(emitter.last_seq() == 3);
  CHECK(emitter.emitted_count() == 2);  // agent events only

  // Store and sink hold the very same event objects.
  const auto delivered = sink->log.events();
  REQUIRE(delivered.size() == 3);
  for (std::size_t i = 0; i < 3; ++i) CHECK(delivered[i] == stored[i]);
}

TEST_CASE("the SDK helpers go through the emitter", "[emitter]") {
  RecordingStore store;
  ev::EventRouter router;
  ev::UserEventEmitter emitter(make_context("alice", "run-sdk"), store, router);
  agenthost::EventEmitter& sdk = emitter;

  sdk.thinking("looking things up", 2);
  sdk.progress(150.0, "almost");

  const auto stored = store.log.events();
  REQUIRE(stored.size() == 2);
  CHECK(stored[0]->type == "agent_thinking");
  CHECK(stored[0]->payload.at("thought") == "looking things up");
  CHECK(stored[0]->payload.at("step") == 2);
  CHECK(stored[1]->type == "progress_update");
  CHECK(stored[1]->payload.at("progress_percentage") == 100.0);
}

TEST_CASE("payloads are sanitised before they are stored or delivered", "[emitter]") {
  RecordingStore store;
  ev::EventRouter router;
  auto sink = std::make_shared<RecordingSink>();
  auto subscription = router.subscribe("alice", "run-s", sink);
  ev::SanitizerLimits limits;
  limits.max_string = 4;
  ev::UserEventEmitter emitter(make_context("alice", "run-s"), store, router, limits);

  emitter.emit("agent_thinking", {{"thought", "abcdefgh"}, {"api_key", "sk-1"}, {"_internal", 1}});

  const json::object expected{{"thought", "abcd...(truncated)"}, {"api_key", "[REDACTED]"}};
  REQUIRE(store.log.size() == 1);
  CHECK(store.log.events()[0]->payload == expected);
  REQUIRE(sink->log.size() == 1);
  CHECK(sink->log.events()[0]->payload == expected);
}

TEST_CASE("a run's result is kept whole, its secrets redacted", "[emitter]") {
  RecordingStore store;
  ev::EventRouter router;
  ev::UserEventEmitter emitter(make_context("alice", "run-r"), store, router);
  const std::string answer(5000, 'a');  // an assistant's long answer
  json::array items;
  for (int i = 0; i < 50; ++i) items.push_back(i);
  emitter.emit_terminal(
      "agent_completed",
      ev::completed_payload(json::object{{"text", answer}, {"items", items}, {"api_key", "sk"}}));
  REQUIRE(store.log.size() == 1);
  const auto& result = store.log.events()[0]->payload.at("result");
  CHECK(result.at("text") == answer.c_str());
  CHECK(result.at("items").as_array().size() == 50);
  CHECK(result.at("api_key") == "[REDACTED]");
  // Any other event is still cut at the payload limits.
  ev::UserEventEmitter other(make_context("alice", "run-o"), store, router);
  other.emit("agent_thinking", {{"text", answer}});
  CHECK(store.log.events()[1]->payload.at("text").as_string().size() < 1100);
}

TEST_CASE("emit() refuses the host's event types and malformed types", "[emitter]") {
  RecordingStore store;
  ev::EventRouter router;
  ev::UserEventEmitter emitter(make_context("alice", "run-2"), store, router);

  for (auto type : agenthost::kHostEventTypes) {
    INFO(type);
    CHECK_THROWS_AS(emitter.emit(type, {}), std::invalid_argument);
    CHECK_THROWS_WITH(emitter.emit(type, {}), Catch::Contains("reserved for the host"));
  }
  const std::vector<std::string> malformed = {
      "", "Agent", "9lives", "has space", "dash-ed", std::string(65, 'a'), std::string("nul\0", 4)};
  for (const std::string& type : malformed) {
    INFO(type);
    CHECK_THROWS_WITH(emitter.emit(type, {}), Catch::Contains("malformed"));
  }
  CHECK(store.log.size() == 0);
  CHECK(emitter.last_seq() == 0);  // refusals consume no seq
  emitter.emit("agent_thinking", {});
  CHECK(store.log.events().at(0)->seq == 1);
}

TEST_CASE("terminal events go only through emit_terminal, and end the run", "[emitter]") {
  RecordingStore store;
  ev::EventRouter router;
  ev::UserEventEmitter emitter(make_context("alice", "run-3"), store, router);

  CHECK_THROWS_WITH(emitter.emit_host("agent_completed", {}), Catch::Contains("emit_terminal"));
  CHECK_THROWS_AS(emitter.emit_terminal("agent_thinking", {}), std::invalid_argument);
  CHECK_THROWS_AS(emitter.emit_host("Bad Type", {}), std::invalid_argument);
  emitter.emit_host("tool_executing", {{"tool_name", "search"}});

  const auto final_event = emitter.emit_terminal("agent_completed", {{"success", true}});
  CHECK(final_event->seq == 2);
  CHECK(emitter.closed());
  CHECK_THROWS_AS(emitter.emit("agent_thinking", {}), agenthost::RunEnded);
  CHECK_THROWS_AS(emitter.emit_host("tool_completed", {}), agenthost::RunEnded);
  // A second terminal event (say, a timeout racing the completion) loses.
  CHECK_THROWS_AS(emitter.emit_terminal("agent_death", {}), agenthost::RunEnded);
  CHECK(store.log.size() == 2);
  CHECK(store.log.events().back()->type == "agent_completed");
}

TEST_CASE("after close() every emit throws RunEnded - close is idempotent", "[emitter]") {
  RecordingStore store;
  ev::EventRouter router;
  ev::UserEventEmitter emitter(make_context("alice", "run-4"), store, router);
  emitter.emit("agent_thinking", {});
  emitter.close();
  emitter.close();
  CHECK(emitter.closed());
  CHECK_THROWS_AS(emitter.emit("agent_thinking", {}), agenthost::RunEnded);
  CHECK_THROWS_WITH(emitter.emit("agent_thinking", {}), Catch::Contains("run-4"));
  CHECK_THROWS_AS(emitter.emit_host("agent_started", {}), agenthost::RunEnded);
  CHECK_THROWS_AS(emitter.emit_terminal("agent_error", {}), agenthost::RunEnded);
  CHECK(store.log.size() == 1);
  CHECK(emitter.last_seq() == 1);
}

TEST_CASE("a failed append neither numbers nor delivers the event", "[emitter]") {
  RecordingStore store;
  ev::EventRouter router;
  auto sink = std::make_shared<RecordingSink>();
  auto subscription = router.subscribe("alice", "run-5", sink);
  ev::UserEventEmitter emitter(make_context("alice", "run-5"), store, router);

  emitter.emit("agent_thinking", {{"n", 1}});
  store.fail_next_append();
  CHECK_THROWS_WITH(emitter.emit("agent_thinking", {{"n", 2}}), Catch::Contains("refused"));
  emitter.emit("agent_thinking", {{"n", 3}});

  CHECK(ev::test::seqs(store.log.events()) == std::vector<std::uint64_t>{1, 2});
  CHECK(ev::test::seqs(sink->log.events()) == std::vector<std::uint64_t>{1, 2});
  CHECK(sink->log.events()[1]->payload.at("n") == 3);
  CHECK(emitter.emitted_count() == 2);

  // A failed terminal event leaves the run open, so the host can still end it.
  store.fail_next_append();
  CHECK_THROWS(emitter.emit_terminal("agent_completed", {}));
  CHECK_FALSE(emitter.closed());
  CHECK(emitter.emit_terminal("agent_error", {})->seq == 3);
}

TEST_CASE("events reach only their own user's subscribers", "[emitter]") {
  RecordingStore store;
  ev::EventRouter router;
  auto alice_sink = std::make_shared<RecordingSink>();
  auto bob_on_alice_run = std::make_shared<RecordingSink>();
  auto bob_sink = std::make_shared<RecordingSink>();
  auto s1 = router.subscribe("alice", "run-a", alice_sink);
  auto s2 = router.subscribe("bob", "run-a", bob_on_alice_run);  // bob guesses alice's run id
  auto s3 = router.subscribe("bob", "run-b", bob_sink);
  ev::UserEventEmitter alice(make_context("alice", "run-a"), store, router);
  ev::UserEventEmitter bob(make_context("bob", "run-b"), store, router);

  alice.emit("agent_thinking", {{"who", "alice"}});
  bob.emit("agent_thinking", {{"who", "bob"}});
  alice.emit_terminal("agent_completed", {});

  CHECK(alice_sink->log.size() == 2);
  CHECK(bob_on_alice_run->log.size() == 0);
  REQUIRE(bob_sink->log.size() == 1);
  CHECK(bob_sink->log.events()[0]->payload.at("who") == "bob");
  for (const auto& e : alice_sink->log.events()) CHECK(e->user_id == "alice");
}

TEST_CASE("limits of 0 are refused when the emitter is made", "[emitter]") {
  RecordingStore store;
  ev::EventRouter router;
  ev::SanitizerLimits limits;
  limits.max_list = 0;
  CHECK_THROWS_WITH(ev::UserEventEmitter(make_context("alice", "run-6"), store, router, limits),
                    Catch::Contains("max_list"));
}
