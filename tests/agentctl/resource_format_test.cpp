// The agent table, a run's details, and the one-line refusals of HTTP errors and
// error frames.
#include <catch2/catch.hpp>

#include <boost/json/parse.hpp>

#include "agentctl/command_error.hpp"
#include "agentctl/host_reply.hpp"
#include "agentctl/resource_format.hpp"

using namespace agenthost::agentctl;
namespace json = boost::json;

TEST_CASE("the agent list is an aligned table", "[agentctl][format]") {
  const auto body = json::parse(R"({"agents":[
      {"name":"echo","plugin":"echo","version":"1.0.0","description":"Returns its input unchanged"},
      {"name":"triage","plugin":"triage-plugin","version":"1.2.0","description":"Classifies support tickets"}]})");
  CHECK(format_agents(body) ==
        "NAME    VERSION  PLUGIN         DESCRIPTION\n"
        "echo    1.0.0    echo           Returns its input unchanged\n"
        "triage  1.2.0    triage-plugin  Classifies support tickets\n");
  CHECK(format_agents(json::parse(R"({"agents":[]})")) == "no agents are registered\n");
  CHECK_THROWS_WITH(format_agents(json::parse(R"({"agent":[]})")),
                    Catch::Contains("unexpected answer from the host"));
}

TEST_CASE("a run shows its fields with result or error", "[agentctl][format]") {
  const auto completed =
      json::parse(R"({"run_id":"r1","thread_id":"t1","agent":"echo","status":"completed",
      "input":{"text":"hi"},"result":{"text":"hi"},"created_at":"2026-11-26T06:20:47.123Z",
      "started_at":"2026-11-26T06:20:47.125Z","finished_at":"2026-11-26T06:20:47.131Z"})");
  CHECK(format_run(completed) ==
        "run       r1\n"
        "agent     echo\n"
        "thread    t1\n"
        "status    completed\n"
        "created   2026-11-26T06:20:47.123Z\n"
        "started   2026-11-26T06:20:47.125Z\n"
        "finished  2026-11-26T06:20:47.131Z\n"
        "input     {\"text\":\"hi\"}\n"
        "result    {\"text\":\"hi\"}\n");

  const auto failed =
      json::parse(R"({"run_id":"r2","thread_id":"t1","agent":"echo","status":"failed",
      "input":"hello","error":{"error_type":"agent_exception","message":"boom"},
      "created_at":"2026-11-26T06:20:47.123Z"})");
  CHECK(format_run(failed) ==
        "run       r2\n"
        "agent     echo\n"
        "thread    t1\n"
        "status    failed\n"
        "created   2026-11-26T06:20:47.123Z\n"
        "input     \"hello\"\n"
        "error     agent_exception: boom\n");
  CHECK_THROWS_AS(format_run(json::parse("[]")), CommandError);
}

TEST_CASE("HTTP refusals become one line: 401 names the token", "[agentctl][refusal]") {
  const std::string body =
      R"({"error":{"code":"unauthorized","message":"token expired or not yet valid"}})";
  CHECK(describe_http_refusal(401, body, true) ==
        "the host refused the token (401): token expired or not yet valid");
  CHECK(
      describe_http_refusal(
          401, R"({"error":{"code":"unauthorized","message":"missing credentials"}})", false) ==
      "the host requires a token (401): missing credentials; pass --token or set AGENTHOST_TOKEN");
}

TEST_CASE("HTTP refusals carry the host's message and status and code", "[agentctl][refusal]") {
  CHECK(describe_http_refusal(
            404, R"({"error":{"code":"unknown_agent","message":"no agent named \"ech\""}})",
            true) == "no agent named \"ech\" (404 unknown_agent)");
  CHECK(describe_http_refusal(429,
                              R"({"error":{"code":"queue_full","message":"too many queued runs"}})",
                              true, "5") == "too many queued runs (429 queue_full); retry in 5 s");
  // The message already says when: not repeated.
  CHECK(describe_http_refusal(
            429, R"({"error":{"code":"rate_limited","message":"too many runs; retry in 5 s"}})",
            true, "5") == "too many runs; retry in 5 s (429 rate_limited)");
  CHECK(describe_http_refusal(502, "<html>Bad gateway</html>", true) ==
        "the host answered 502: '<html>Bad gateway</html>'");
  CHECK(describe_http_refusal(500, "", true) == "the host answered 500: (empty body)");
}

TEST_CASE("error frames become one line", "[agentctl][refusal]") {
  CHECK(
      describe_error_frame(
          json::parse(
              R"({"type":"error","request_id":"x","code":"not_found","message":"run r1 not found"})")
              .as_object()) == "run r1 not found (not_found)");
  CHECK(describe_error_frame(json::parse(R"({"type":"error","code":"internal"})").as_object()) ==
        "internal");
}

TEST_CASE("a run's numbers are shown as people write them, exact", "[agentctl][format]") {
  // Boost.JSON writes these 8E-1, 1.23E2, -0E0 and 2.6666666666666667E78.
  const auto run = json::parse(R"({"run_id":"r1","thread_id":"t1","agent":"echo",
      "status":"completed","input":{"score":8E-1,"n":3,"big":9007199254740993,"x":-0E0},
      "result":[1.23E2,2.6666666666666667E78,5E-324],"created_at":"2026-11-26T06:20:47.123Z"})");
  const auto text = format_run(run);
  CHECK_THAT(text,
             Catch::Contains(R"(input     {"score":0.8,"n":3,"big":9007199254740993,"x":-0.0})"));
  CHECK_THAT(text, Catch::Contains("result    [123.0,2.6666666666666667e+78,5e-324]"));
}
