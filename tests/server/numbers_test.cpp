// Issue 16: numbers at and beyond double precision keep one value all the way
// through the host - the run's input, the agent's result, the agent_completed event
// - read back over HTTP and over WebSocket (live and replayed), whichever way the run
// was started.

#include <catch2/catch.hpp>

#include <boost/json/serialize.hpp>

#include <cstdint>
#include <limits>

#include "json/identical.hpp"
#include "server/ws_helpers.hpp"

using namespace agenthost::server::test;
namespace bj = boost::json;
using agenthost::json::identical;

namespace {

// Written as a client would, digits and all; the serialiser could not write these.
const std::string kInputText =
    std::string(R"({"issue16":)") + "2" + std::string(78, '6') + ".5" +
    R"(,"two53plus1":9007199254740993,"e308":1e308,)" +
    R"("max":1.7976931348623157e308,"rounds_to_max":1.7976931348623158e308,)" +
    R"("neg_zero":-0.0,"denormal":5e-324,"tiny":2.4703282292062328e-324,)" +
    R"("boost_nan":0e400,"min_normal":2.2250738585072011e-308,"tenth":0.1})";

// What kInputText must read as: IEEE doubles, correctly rounded; 2^53+1 an integer.
bj::value expected_input() {
  constexpr double max = std::numeric_limits<double>::max();
  return bj::object{{"issue16", 2.6666666666666667e78},
                    {"two53plus1", std::int64_t{9007199254740993}},
                    {"e308", 1e308},
                    {"max", max},
                    {"rounds_to_max", max},
                    {"neg_zero", -0.0},
                    {"denormal", std::numeric_limits<double>::denorm_min()},
                    {"tiny", std::numeric_limits<double>::denorm_min()},
                    {"boost_nan", 0.0},
                    {"min_normal", 2.225073858507201e-308},
                    {"tenth", 0.1}};
}

void check_identical(const bj::value& got, const char* where) {
  INFO(where << ": " << bj::serialize(got));
  CHECK(identical(got, expected_input()));
}

const bj::object& completed_event(const std::vector<bj::object>& events) {
  REQUIRE(!events.empty());
  REQUIRE(events.back().at("type") == "agent_completed");
  return events.back();
}

// Everything the host keeps of a finished echo run, read back every way there is.
void check_everything_read_back(TestHost& host, const std::string& run_id) {
  const auto token = TestHost::token("alice");
  const auto stored = host.wait_final(run_id, "alice");
  REQUIRE(stored.status == "completed");
  check_identical(stored.input, "RunStore input");
  REQUIRE(stored.result);
  check_identical(*stored.result, "RunStore result");

  const auto run = http_get(host.port(), "/v1/runs/" + run_id, token);
  REQUIRE(run.status == 200);
  check_identical(run.json().at("input"), "GET /v1/runs/{id} input");
  check_identical(run.json().at("result"), "GET /v1/runs/{id} result");

  const auto events = http_get(host.port(), "/v1/runs/" + run_id + "/events", token);
  REQUIRE(events.status == 200);
  const auto page = events.json();  // the loop below reads into it
  std::vector<bj::object> stored_events;
  for (const auto& e : page.at("events").as_array()) stored_events.push_back(e.as_object());
  check_identical(completed_event(stored_events).at("payload").at("result"),
                  "GET /v1/runs/{id}/events agent_completed");

  auto ws = WsClient::connect(host.port(), as_user("alice"));
  ws->send({{"type", "subscribe"}, {"run_id", run_id}});
  const auto replayed = events_of(
      ws->read_until([&](const bj::object& f) { return is_terminal_of(f, run_id); }), run_id);
  check_identical(completed_event(replayed).at("payload").at("result"),
                  "WebSocket replay agent_completed");
}

}  // namespace

TEST_CASE("numbers beyond double precision keep one value through a run started over HTTP") {
  TestHost host;
  const auto created =
      http_post(host.port(), "/v1/runs", R"({"agent":"echo","input":)" + kInputText + "}",
                TestHost::token("alice"));
  INFO(created.body);
  REQUIRE(created.status == 202);
  check_everything_read_back(host, str(created.json().at("run_id")));
}

TEST_CASE("numbers beyond double precision keep one value through a run started over WebSocket") {
  TestHost host;
  auto ws = WsClient::connect(host.port(), as_user("alice"));
  ws->send_text(R"({"type":"start_run","request_id":"numbers","agent":"echo","input":)" +
                kInputText + "}");
  const auto frames =
      ws->read_until([](const bj::object& f) { return f.at("type") == "run_accepted"; });
  const std::string run_id = str(frames.back().at("run_id"));
  // What the agent received and returned, as it streamed live.
  const auto live = events_of(
      ws->read_until([&](const bj::object& f) { return is_terminal_of(f, run_id); }), run_id);
  check_identical(completed_event(live).at("payload").at("result"),
                  "WebSocket live agent_completed");
  check_everything_read_back(host, run_id);
}

TEST_CASE("a number beyond the range of a double is refused naming it - over HTTP and WebSocket") {
  TestHost host;
  const auto refused =
      http_post(host.port(), "/v1/runs", R"({"agent":"echo","input":{"x":[1, -1e400]}})",
                TestHost::token("alice"));
  CHECK(refused.status == 400);
  CHECK(refused.error_code() == "invalid_json");
  CHECK_THAT(refused.body, Catch::Contains("the number -1e400 is beyond the range of a double"));

  auto ws = WsClient::connect(host.port(), as_user("alice"));
  ws->send_text(R"({"type":"start_run","request_id":"r1","agent":"echo","input":1e999})");
  const auto error = ws->read();
  REQUIRE(error.type() == "error");
  CHECK(str(error.message.at("code")) == "invalid_json");
  CHECK_THAT(str(error.message.at("message")),
             Catch::Contains("the number 1e999 is beyond the range of a double"));
  // The connection stays open.
  ws->send({{"type", "ping"}, {"request_id", "still-open"}});
  CHECK(ws->read().type() == "pong");
}
