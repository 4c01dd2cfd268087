// What a user reads of a run's result and errors has gone through the sanitiser, the
// same one and once: the stored run (GET /v1/runs/{id}) shows exactly what the
// agent_completed or agent_error event carried.

#include <catch2/catch.hpp>

#include <boost/json/serialize.hpp>

#include "server/ws_helpers.hpp"

using namespace agenthost::server::test;
namespace json = boost::json;

namespace {

json::object terminal_payload(TestHost& host, const std::string& run, const std::string& user) {
  const auto r = http_get(host.port(), "/v1/runs/" + run + "/events", TestHost::token(user));
  REQUIRE(r.status == 200);
  const auto body = r.json();
  const auto& events = body.at("events").as_array();
  REQUIRE_FALSE(events.empty());
  return events.back().as_object().at("payload").as_object();
}

}  // namespace

TEST_CASE("the stored result is the sanitised one the agent_completed event carried") {
  TestHost host;
  const json::object input{{"text", "hi"},
                           {"api_key", "sk-live-0123456789abcdef"},
                           {"debug_info", "internal"},
                           {"long", std::string(5000, 'x')}};
  const auto run = start_run_over_http(host, "alice", {{"agent", "echo"}, {"input", input}});
  REQUIRE(host.wait_final(run, "alice").status == "completed");
  const auto r = http_get(host.port(), "/v1/runs/" + run, TestHost::token("alice"));
  REQUIRE(r.status == 200);
  const auto body = r.json();
  const auto& result = body.at("result").as_object();
  CHECK(result.at("api_key") == "[REDACTED]");
  CHECK_FALSE(result.contains("debug_info"));
  CHECK(result.at("long").as_string().size() == 5000);  // a result is kept whole
  CHECK(json::value(result) == terminal_payload(host, run, "alice").at("result"));
}

TEST_CASE("the stored error message is the sanitised one the agent_error event carried") {
  TestHost host;
  const auto run = start_run_over_http(
      host, "alice",
      {{"agent", "failing"},
       {"input", {{"message", "cannot open /srv/secret/dir/file.txt with password=hunter2"}}}});
  const auto record = host.wait_final(run, "alice");
  REQUIRE(record.status == "failed");
  const auto r = http_get(host.port(), "/v1/runs/" + run, TestHost::token("alice"));
  const auto message = str(r.json().at("error").at("message"));
  CHECK(message.find("/srv/secret") == std::string::npos);
  CHECK(message.find("hunter2") == std::string::npos);
  CHECK(message == str(terminal_payload(host, run, "alice").at("error_message")));
}

TEST_CASE("a result over limits.max_result_bytes fails the run with a message saying so") {
  TestHost host([](TestHostSettings& s) { s.engine.max_result_bytes = 2048; });
  const auto small = start_run_over_http(
      host, "alice", {{"agent", "echo"}, {"input", {{"text", std::string(1000, 'a')}}}});
  CHECK(host.wait_final(small, "alice").status == "completed");
  const auto large = start_run_over_http(
      host, "alice", {{"agent", "echo"}, {"input", {{"text", std::string(3000, 'a')}}}});
  const auto record = host.wait_final(large, "alice");
  REQUIRE(record.status == "failed");
  CHECK_FALSE(record.result);
  const auto message = str(record.error->as_object().at("message"));
  CHECK_THAT(message, Catch::Contains("limits.max_result_bytes") && Catch::Contains("2048"));
  CHECK(terminal_payload(host, large, "alice").at("error_type") == "agent_error");
}
