// A run that asks its user, answered over the network: the resume_run frame and
// POST /v1/runs/{id}/input, with the refusals (a bad answer, another user's, a run
// that waits for nothing) and the question shown by GET /v1/runs/{id}. Against the
// approval plugin (plugins/approval), over real sockets.
#include <catch2/catch.hpp>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <string>
#include <vector>

#include "server/test_host.hpp"
#include "server/ws_helpers.hpp"

using namespace agenthost::server::test;
namespace rs = agenthost::database::run_status;

namespace {

const boost::json::object kRequest{{"refund", 42}};

bool is_event(const boost::json::object& frame, const std::string& run_id, std::string_view type) {
  return frame.contains("seq") && str(frame.at("run_id")) == run_id &&
         str(frame.at("type")) == type;
}

HttpResponse post_input(TestHost& host, const std::string& user, const std::string& run_id,
                        const std::string& body) {
  return http_post(host.port(), "/v1/runs/" + run_id + "/input", body, TestHost::token(user));
}

}  // namespace

TEST_CASE("over WebSocket: input_required, a refused answer, then resume_run completes the run") {
  TestHost host;
  auto ws = WsClient::connect(host.port(), as_user("alice"));
  const auto run_id = start_run_ws(*ws, "approval", kRequest);

  auto frames =
      ws->read_until([&](const auto& f) { return is_event(f, run_id, "input_required"); });
  const auto& asked = frames.back().at("payload").as_object();
  CHECK_THAT(str(asked.at("prompt")), Catch::Contains(R"({"refund":42})"));
  CHECK(asked.at("schema").at("properties").at("approve").at("type") == "boolean");
  const auto question_id = asked.at("question_id");
  REQUIRE(host.wait_status(run_id, "alice", std::string(rs::waiting_input)));

  // The question is part of the run while it waits.
  const auto shown = http_get(host.port(), "/v1/runs/" + run_id, TestHost::token("alice"));
  REQUIRE(shown.status == 200);
  CHECK(shown.json().at("status") == "waiting_input");
  CHECK(shown.json().at("question").at("question_id") == question_id);

  // An answer that does not fit: an error frame naming the field; the run waits on.
  ws->send({{"type", "resume_run"},
            {"request_id", "bad-1"},
            {"run_id", run_id},
            {"input", {{"approve", "yes"}}}});
  auto error = ws->read_until([](const auto& f) { return str(f.at("type")) == "error"; });
  CHECK(str(error.back().at("request_id")) == "bad-1");
  CHECK(str(error.back().at("code")) == "invalid_field");
  CHECK_THAT(str(error.back().at("message")), Catch::Contains("/approve"));
  CHECK(host.run(run_id, "alice")->status == rs::waiting_input);

  ws->send({{"type", "resume_run"}, {"run_id", run_id}, {"input", {{"approve", true}}}});
  frames = ws->read_until([&](const auto& f) { return is_terminal_of(f, run_id); });
  const auto events = events_of(frames, run_id);
  REQUIRE(events.size() == 2);
  CHECK(str(events[0].at("type")) == "input_received");
  CHECK(events[0].at("payload").at("question_id") == question_id);
  CHECK(events[0].at("payload").at("input") == boost::json::object{{"approve", true}});
  CHECK(str(events[1].at("type")) == "agent_completed");
  CHECK(events[1].at("payload").at("result") == boost::json::object{{"approved", true}});
  CHECK(host.wait_final(run_id, "alice").status == rs::completed);

  // The run is over: a clear 409 conflict.
  ws->send({{"type", "resume_run"},
            {"request_id", "late-1"},
            {"run_id", run_id},
            {"input", {{"approve", true}}}});
  error = ws->read_until([](const auto& f) { return str(f.at("type")) == "error"; });
  CHECK(str(error.back().at("code")) == "not_waiting");
}

TEST_CASE("over HTTP: POST /v1/runs/{id}/input with the answer as body") {
  TestHost host;
  const auto run_id =
      start_run_over_http(host, "bob", {{"agent", "approval"}, {"input", kRequest}});
  REQUIRE(host.wait_status(run_id, "bob", std::string(rs::waiting_input)));

  SECTION("refusals leave the run waiting") {
    auto r = post_input(host, "bob", run_id, R"({"approve": 1})");
    CHECK(r.status == 400);
    CHECK(r.json().at("error").at("code") == "invalid_field");
    CHECK_THAT(str(r.json().at("error").at("message")), Catch::Contains("/approve"));
    r = post_input(host, "bob", run_id, R"({"approve": true, "extra": 1})");
    CHECK(r.status == 400);
    r = post_input(host, "bob", run_id, "not json");
    CHECK(r.status == 400);
    CHECK(r.json().at("error").at("code") == "invalid_json");
    // Another user's run looks absent, exactly like an unknown one.
    const auto foreign = post_input(host, "mallory", run_id, R"({"approve": true})");
    const auto unknown = post_input(host, "mallory", "no-such-run-0001", R"({"approve": true})");
    CHECK(foreign.status == 404);
    CHECK(unknown.status == 404);
    CHECK(foreign.json().at("error").at("code") == unknown.json().at("error").at("code"));
    CHECK(host.run(run_id, "bob")->status == rs::waiting_input);
  }

  auto r = post_input(host, "bob", run_id, R"({"approve": false})");
  INFO(r.body);
  CHECK(r.status == 202);
  const auto done = host.wait_final(run_id, "bob");
  CHECK(done.status == rs::completed);
  CHECK(*done.result == boost::json::object{{"approved", false}});
  CHECK(!done.question);

  r = post_input(host, "bob", run_id, R"({"approve": true})");
  CHECK(r.status == 409);
  CHECK(r.json().at("error").at("code") == "not_waiting");
  CHECK_THAT(str(r.json().at("error").at("message")), Catch::Contains("completed"));

  const auto events =
      http_get(host.port(), "/v1/runs/" + run_id + "/events", TestHost::token("bob"));
  std::vector<std::string> types;
  const auto listed = events.json();
  for (const auto& e : listed.at("events").as_array()) types.push_back(str(e.at("type")));
  CHECK(types == std::vector<std::string>{"agent_started", "input_required", "input_received",
                                          "agent_completed"});
}

TEST_CASE("cancel over HTTP ends a waiting run at once") {
  TestHost host;
  const auto run_id =
      start_run_over_http(host, "carol", {{"agent", "approval"}, {"input", kRequest}});
  REQUIRE(host.wait_status(run_id, "carol", std::string(rs::waiting_input)));
  CHECK(http_post(host.port(), "/v1/runs/" + run_id + "/cancel", "", TestHost::token("carol"))
            .status == 202);
  CHECK(host.wait_final(run_id, "carol").status == rs::cancelled);
  CHECK(post_input(host, "carol", run_id, R"({"approve": true})").status == 409);
}

TEST_CASE("resume_run frames are parsed strictly") {
  TestHost host;
  auto ws = WsClient::connect(host.port(), as_user("dave"));
  ws->send({{"type", "resume_run"}, {"request_id", "r1"}, {"run_id", "run-0001"}});
  auto error = ws->read_until([](const auto& f) { return str(f.at("type")) == "error"; });
  CHECK(str(error.back().at("code")) == "missing_field");
  CHECK_THAT(str(error.back().at("message")), Catch::Contains("input"));
  ws->send({{"type", "resume_run"},
            {"request_id", "r2"},
            {"run_id", "run-0001"},
            {"input", 1},
            {"answer", 2}});
  error = ws->read_until([](const auto& f) { return str(f.at("type")) == "error"; });
  CHECK(str(error.back().at("code")) == "unknown_field");
  ws->send({{"type", "resume_run"}, {"request_id", "r3"}, {"run_id", "run-0001"}, {"input", 1}});
  error = ws->read_until([](const auto& f) { return str(f.at("type")) == "error"; });
  CHECK(str(error.back().at("code")) == "not_found");
}
