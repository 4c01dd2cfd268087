#include <catch2/catch.hpp>

#include <boost/json/serialize.hpp>

#include "server/client_frame.hpp"
#include "server/run_fields.hpp"

using namespace agenthost::server;

namespace {

FrameError error_of(std::string_view text) {
  auto frame = parse_client_frame(text);
  INFO(text);
  REQUIRE(std::holds_alternative<FrameError>(frame));
  return std::get<FrameError>(frame);
}

void check_error(std::string_view text, std::string_view code, std::string_view names) {
  INFO(text);
  const auto e = error_of(text);
  CHECK(e.error.code == code);
  CHECK(e.error.status == 400);
  CHECK_THAT(e.error.message, Catch::Contains(std::string(names)));
}

}  // namespace

TEST_CASE("well-formed frames parse into their types") {
  auto start = parse_client_frame(
      R"({"type":"start_run","request_id":"req-1","agent":"echo","thread_id":"th-1",)"
      R"("input":{"text":"hi"},"multitask_strategy":"reject","metadata":{"k":1}})");
  REQUIRE(std::holds_alternative<StartRunFrame>(start));
  const auto& s = std::get<StartRunFrame>(start);
  CHECK(s.request_id == "req-1");
  CHECK(s.run.agent == "echo");
  CHECK(s.run.thread_id == std::optional<std::string>("th-1"));
  CHECK(boost::json::serialize(s.run.input) == R"({"text":"hi"})");
  CHECK(s.run.strategy == agenthost::execution::MultitaskStrategy::reject);
  CHECK(s.run.metadata.at("k").as_int64() == 1);

  auto minimal =
      parse_client_frame(R"({"type":"start_run","request_id":"r2","agent":"echo","input":null})");
  REQUIRE(std::holds_alternative<StartRunFrame>(minimal));
  CHECK_FALSE(std::get<StartRunFrame>(minimal).run.thread_id);
  CHECK_FALSE(std::get<StartRunFrame>(minimal).run.strategy);

  auto cancel = parse_client_frame(R"({"type":"cancel_run","run_id":"run-9"})");
  REQUIRE(std::holds_alternative<CancelRunFrame>(cancel));
  CHECK(std::get<CancelRunFrame>(cancel).run_id == "run-9");

  auto resume = parse_client_frame(
      R"({"type":"resume_run","run_id":"run-9","input":{"approve":true},"request_id":"a1"})");
  REQUIRE(std::holds_alternative<ResumeRunFrame>(resume));
  CHECK(std::get<ResumeRunFrame>(resume).run_id == "run-9");
  CHECK(std::get<ResumeRunFrame>(resume).input == boost::json::value{{"approve", true}});
  CHECK(std::get<ResumeRunFrame>(resume).request_id == std::optional<std::string>("a1"));
  // Any JSON value is an answer, null included.
  auto null_answer = parse_client_frame(R"({"type":"resume_run","run_id":"run-9","input":null})");
  REQUIRE(std::holds_alternative<ResumeRunFrame>(null_answer));
  CHECK(std::get<ResumeRunFrame>(null_answer).input.is_null());

  auto sub =
      parse_client_frame(R"({"type":"subscribe","run_id":"run-9","after":41,"request_id":"q"})");
  REQUIRE(std::holds_alternative<SubscribeFrame>(sub));
  CHECK(std::get<SubscribeFrame>(sub).after == 41);
  CHECK(std::get<SubscribeFrame>(sub).request_id == std::optional<std::string>("q"));
  auto sub0 = parse_client_frame(R"({"type":"subscribe","run_id":"run-9"})");
  CHECK(std::get<SubscribeFrame>(sub0).after == 0);

  auto ping = parse_client_frame(R"({"type":"ping"})");
  CHECK(std::holds_alternative<PingFrame>(ping));
}

TEST_CASE("frames that are not JSON objects are refused") {
  check_error("", "invalid_json", "not valid JSON");
  check_error("not json", "invalid_json", "not valid JSON");
  check_error("{\"type\":", "invalid_json", "not valid JSON");
  check_error("[1,2]", "invalid_json", "JSON object");
  check_error("\"ping\"", "invalid_json", "JSON object");
  check_error(std::string(100, '[') + std::string(100, ']'), "invalid_json", "not valid JSON");
}

TEST_CASE("frame type problems name the type") {
  check_error("{}", "missing_field", "\"type\"");
  check_error(R"({"type":null})", "missing_field", "\"type\"");
  check_error(R"({"type":42})", "invalid_field", "\"type\" must be a string");
  check_error(R"({"type":"start"})", "unknown_type", "\"start\"");
  check_error(R"({"type":"PING"})", "unknown_type", "\"PING\"");
}

TEST_CASE("start_run field problems name the field") {
  const std::string head = R"({"type":"start_run",)";
  check_error(head + R"("agent":"echo","input":1})", "missing_field", "\"request_id\"");
  check_error(head + R"("request_id":"default","agent":"echo","input":1})", "invalid_field",
              "\"request_id\" is a placeholder");
  check_error(head + R"("request_id":7,"agent":"echo","input":1})", "invalid_field",
              "\"request_id\" must be a string");
  check_error(head + R"("request_id":"r1","input":1})", "missing_field", "\"agent\"");
  check_error(head + R"("request_id":"r1","agent":42,"input":1})", "invalid_field", "\"agent\"");
  check_error(head + R"("request_id":"r1","agent":"","input":1})", "invalid_field",
              "\"agent\" is empty");
  check_error(head + R"("request_id":"r1","agent":"echo"})", "missing_field", "\"input\"");
  check_error(head + R"("request_id":"r1","agent":"echo","input":1,"thread_id":"null"})",
              "invalid_field", "\"thread_id\" is a placeholder");
  check_error(head + R"("request_id":"r1","agent":"echo","input":1,"thread_id":"a b"})",
              "invalid_field", "\"thread_id\" contains");
  check_error(head + R"("request_id":"r1","agent":"echo","input":1,"thread_id":5})",
              "invalid_field", "\"thread_id\" must be a string");
  check_error(head + R"("request_id":"r1","agent":"echo","input":1,"multitask_strategy":"later"})",
              "invalid_field", "\"multitask_strategy\"");
  check_error(head + R"("request_id":"r1","agent":"echo","input":1,"metadata":"x"})",
              "invalid_field", "\"metadata\" must be an object");
  check_error(head + R"("request_id":"r1","agent":"echo","input":1,"inptu":2})", "unknown_field",
              "\"inptu\"");
  // The request id is echoed in the error when it could be read.
  CHECK(error_of(head + R"("request_id":"r1","agent":"echo"})").request_id ==
        std::optional<std::string>("r1"));
  CHECK_FALSE(error_of(head + R"("request_id":"default","agent":"echo"})").request_id);
}

TEST_CASE("cancel_run - subscribe and ping field problems name the field") {
  check_error(R"({"type":"cancel_run"})", "missing_field", "\"run_id\"");
  check_error(R"({"type":"cancel_run","run_id":42})", "invalid_field",
              "\"run_id\" must be a string");
  check_error(R"({"type":"cancel_run","run_id":"registry"})", "invalid_field",
              "\"run_id\" is a placeholder");
  check_error(R"({"type":"cancel_run","run_id":"r1","force":true})", "unknown_field", "\"force\"");
  check_error(R"({"type":"subscribe"})", "missing_field", "\"run_id\"");
  check_error(R"({"type":"subscribe","run_id":"r1","after":-1})", "invalid_field",
              "\"after\" must be a non-negative integer");
  check_error(R"({"type":"subscribe","run_id":"r1","after":"3"})", "invalid_field", "\"after\"");
  check_error(R"({"type":"subscribe","run_id":"r1","after":1.5})", "invalid_field", "\"after\"");
  check_error(R"({"type":"subscribe","run_id":"r1","after_seq":3})", "unknown_field",
              "\"after_seq\"");
  check_error(R"({"type":"ping","extra":1})", "unknown_field", "\"extra\"");
  check_error(R"({"type":"ping","request_id":"none"})", "invalid_field", "\"request_id\"");
  CHECK(error_of(R"({"type":"subscribe","run_id":"r1","after":-1,"request_id":"q1"})").request_id ==
        std::optional<std::string>("q1"));
}

TEST_CASE("POST /v1/runs bodies are read by the same rules") {
  auto ok = parse_run_body(R"({"agent":"echo","input":{"text":"hi"}})");
  REQUIRE(std::holds_alternative<RunFields>(ok));
  CHECK(std::get<RunFields>(ok).agent == "echo");

  auto error = [](std::string_view body) {
    auto r = parse_run_body(body);
    REQUIRE(std::holds_alternative<ApiError>(r));
    return std::get<ApiError>(r);
  };
  CHECK(error("").code == "invalid_json");
  CHECK(error("[]").code == "invalid_json");
  CHECK(error(R"({"input":1})").message == "request body: missing field \"agent\"");
  CHECK(error(R"({"agent":"echo"})").code == "missing_field");
  CHECK(error(R"({"agent":"echo","input":1,"type":"start_run"})").code == "unknown_field");
  CHECK(error(R"({"agent":"echo","input":1,"request_id":"r"})").code == "unknown_field");
  CHECK_THAT(error(R"({"agent":"echo","input":1,"thread_id":"temp"})").message,
             Catch::Contains("thread_id"));
}

TEST_CASE("a start_run frame and a POST /v1/runs body read numbers alike, correctly rounded") {
  // Issue 16: the frame path read 2.6666666666666663e78, the HTTP path ...667e78.
  const std::string number = "2" + std::string(78, '6') + ".5";
  auto frame = parse_client_frame(R"({"type":"start_run","request_id":"extrar2","agent":"co",)"
                                  R"("input":[1,)" +
                                  number + R"(,true,"x"]})");
  REQUIRE(std::holds_alternative<StartRunFrame>(frame));
  auto body = parse_run_body(R"({"agent":"co","input":[1,)" + number + R"(,true,"x"]})");
  REQUIRE(std::holds_alternative<RunFields>(body));
  const auto& from_frame = std::get<StartRunFrame>(frame).run.input.as_array()[1];
  const auto& from_body = std::get<RunFields>(body).input.as_array()[1];
  CHECK(from_frame.as_double() == 2.6666666666666667e78);
  CHECK(from_body.as_double() == 2.6666666666666667e78);

  check_error(R"({"type":"start_run","request_id":"r1","agent":"co","input":1e400})",
              "invalid_json", "the number 1e400 is beyond the range of a double");
  check_error(R"({"type":"ping",)", "invalid_json", "(at byte 15)");
}
