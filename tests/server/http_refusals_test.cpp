// The HTTP API's refusals over real sockets: bad bodies, busy threads, limits,
// other users' resources, unknown paths and methods.

#include <catch2/catch.hpp>

#include <boost/json/serialize.hpp>

#include "server/test_client.hpp"
#include "server/test_host.hpp"

using namespace agenthost::server::test;
namespace json = boost::json;

TEST_CASE("POST /v1/runs refuses bad bodies with 400 naming the field - unknown agents with 404") {
  TestHost host([](TestHostSettings& s) { s.server.max_message_bytes = 4096; });
  const auto token = TestHost::token("alice");
  struct Case {
    std::string body;
    std::string code;
    std::string names;
  };
  for (const auto& c : std::vector<Case>{
           {"", "invalid_json", "not valid JSON"},
           {"{", "invalid_json", "not valid JSON"},
           {"[1]", "invalid_json", "JSON object"},
           {R"({"input":1})", "missing_field", "\"agent\""},
           {R"({"agent":"echo"})", "missing_field", "\"input\""},
           {R"({"agent":7,"input":1})", "invalid_field", "\"agent\""},
           {R"({"agent":"echo","input":1,"thread_id":"placeholder"})", "invalid_field",
            "\"thread_id\" is a placeholder"},
           {R"({"agent":"echo","input":1,"thread_id":""})", "invalid_field",
            "\"thread_id\" is empty"},
           {R"({"agent":"echo","input":1,"multitask_strategy":"queue"})", "invalid_field",
            "\"multitask_strategy\""},
           {R"({"agent":"echo","input":1,"metadata":[]})", "invalid_field", "\"metadata\""},
           {R"({"agent":"echo","input":1,"metadata":{"user_id":"bob"}})", "invalid_field",
            "metadata.user_id"},
           {R"({"agent":"echo","input":1,"user_id":"bob"})", "unknown_field", "\"user_id\""},
       }) {
    INFO(c.body);
    auto r = http_post(host.port(), "/v1/runs", c.body, token);
    CHECK(r.status == 400);
    CHECK(r.error_code() == c.code);
    CHECK_THAT(std::string(r.json().at("error").at("message").as_string()),
               Catch::Contains(c.names));
  }
  auto unknown =
      http_post(host.port(), "/v1/runs", R"({"agent":"no_such_agent","input":1})", token);
  CHECK(unknown.status == 404);
  CHECK(unknown.error_code() == "unknown_agent");

  auto too_big = http_post(host.port(), "/v1/runs",
                           R"({"agent":"echo","input":")" + std::string(5000, 'x') + "\"}", token);
  CHECK(too_big.status == 413);
  CHECK(too_big.error_code() == "payload_too_large");
}

TEST_CASE("409 when the thread is busy and the strategy is reject") {
  TestHost host;
  const auto token = TestHost::token("alice");
  const auto busy =
      start_run_over_http(host, "alice", {{"agent", "sleepy"}, {"input", {{"ms", 30000}}}});
  const auto thread_id = host.run(busy, "alice")->thread_id;
  auto refused = http_post(host.port(), "/v1/runs",
                           json::serialize(json::object{{"agent", "echo"},
                                                        {"thread_id", thread_id},
                                                        {"input", 1},
                                                        {"multitask_strategy", "reject"}}),
                           token);
  CHECK(refused.status == 409);
  CHECK(refused.error_code() == "thread_busy");
  CHECK(http_post(host.port(), "/v1/runs/" + busy + "/cancel", "", token).status == 202);
  CHECK(host.wait_final(busy, "alice").status == "cancelled");
}

TEST_CASE("429 with Retry-After when the user's queue is full") {
  TestHost host([](TestHostSettings& s) {
    s.engine.max_concurrent_runs_per_user = 1;
    s.engine.max_queued_runs_per_user = 2;
  });
  const auto token = TestHost::token("alice");
  std::vector<std::string> accepted;
  HttpResponse refused;
  for (int i = 0; i < 10 && refused.status == 0; ++i) {
    auto r =
        http_post(host.port(), "/v1/runs", R"({"agent":"sleepy","input":{"ms":30000}})", token);
    if (r.status == 202) {
      accepted.emplace_back(r.json().at("run_id").as_string());
      // The first one must be running (not waiting) for the count below.
      if (accepted.size() == 1) REQUIRE(host.wait_status(accepted[0], "alice", "running"));
    } else {
      refused = r;
    }
  }
  CHECK(refused.status == 429);
  CHECK(refused.error_code() == "queue_full");
  CHECK(refused.header("retry-after") == "1");
  CHECK(accepted.size() == 3);  // one running, two queued
  // Another user is not affected.
  auto other =
      http_post(host.port(), "/v1/runs", R"({"agent":"echo","input":1})", TestHost::token("bob"));
  CHECK(other.status == 202);
  for (const auto& run : accepted) http_post(host.port(), "/v1/runs/" + run + "/cancel", "", token);
}

TEST_CASE("429 rate_limited with Retry-After when a user starts runs too fast") {
  // 0.2 runs per second: a burst of one, then one every 5 s.
  TestHost host([](TestHostSettings& s) { s.server.runs_per_second_per_user = 0.2; });
  const auto body = R"({"agent":"echo","input":1})";
  CHECK(http_post(host.port(), "/v1/runs", body, TestHost::token("alice")).status == 202);
  auto limited = http_post(host.port(), "/v1/runs", body, TestHost::token("alice"));
  CHECK(limited.status == 429);
  CHECK(limited.error_code() == "rate_limited");
  CHECK(std::stoi(limited.header("retry-after")) >= 1);
  // Per user: bob still has his burst.
  CHECK(http_post(host.port(), "/v1/runs", body, TestHost::token("bob")).status == 202);
}

TEST_CASE("another user's thread - run - events and cancel are 404 exactly like absent ones") {
  TestHost host;
  const auto alice = TestHost::token("alice");
  const auto bob = TestHost::token("bob");
  const auto run =
      start_run_over_http(host, "alice", {{"agent", "sleepy"}, {"input", {{"ms", 30000}}}});
  REQUIRE(host.wait_status(run, "alice", "running"));
  const auto thread = host.run(run, "alice")->thread_id;
  const std::string absent_run = "0123456789abcdef0123456789abcdef";

  auto same_as_absent = [&](const std::string& method, const std::string& target_of_run,
                            const std::string& target_of_absent) {
    INFO(method << " " << target_of_run);
    auto theirs = http(host.port(), HttpRequest{method, target_of_run, "", bob, {}});
    auto absent = http(host.port(), HttpRequest{method, target_of_absent, "", bob, {}});
    CHECK(theirs.status == 404);
    CHECK(absent.status == 404);
    CHECK(theirs.error_code() == absent.error_code());
    // The messages differ only by the id they echo.
    auto strip = [](std::string s, const std::string& id) {
      auto at = s.find(id);
      if (at != std::string::npos) s.erase(at, id.size());
      return s;
    };
    CHECK(strip(theirs.body, run) == strip(absent.body, absent_run));
  };
  same_as_absent("GET", "/v1/runs/" + run, "/v1/runs/" + absent_run);
  same_as_absent("GET", "/v1/runs/" + run + "/events", "/v1/runs/" + absent_run + "/events");
  same_as_absent("POST", "/v1/runs/" + run + "/cancel", "/v1/runs/" + absent_run + "/cancel");
  auto theirs_thread = http_get(host.port(), "/v1/threads/" + thread + "/runs", bob);
  CHECK(theirs_thread.status == 404);
  CHECK(theirs_thread.error_code() == "not_found");
  // Bob cannot start a run on Alice's thread either.
  auto on_theirs = http_post(
      host.port(), "/v1/runs",
      json::serialize(json::object{{"agent", "echo"}, {"thread_id", thread}, {"input", 1}}), bob);
  CHECK(on_theirs.status == 404);
  // ... and a thread id nobody created answers exactly the same: ids can be neither
  // probed nor claimed before their owner uses them.
  const std::string nobodys = "fedcba9876543210fedcba9876543210";
  auto on_nobodys = http_post(
      host.port(), "/v1/runs",
      json::serialize(json::object{{"agent", "echo"}, {"thread_id", nobodys}, {"input", 1}}), bob);
  CHECK(on_nobodys.status == 404);
  CHECK(on_nobodys.error_code() == on_theirs.error_code());
  CHECK(on_nobodys.body.replace(on_nobodys.body.find(nobodys), nobodys.size(), thread) ==
        on_theirs.body);
  CHECK(http_get(host.port(), "/v1/threads/" + nobodys + "/runs", bob).status == 404);
  // A thread Bob created himself takes his runs.
  auto created = http_post(host.port(), "/v1/threads", "", bob);
  REQUIRE(created.status == 201);
  const std::string own(created.json().at("thread_id").as_string());
  const auto bobs_run =
      start_run_over_http(host, "bob", {{"agent", "echo"}, {"thread_id", own}, {"input", 1}});
  CHECK(host.wait_final(bobs_run, "bob").thread_id == own);
  // Bob's cancel did nothing: Alice's run is still running.
  CHECK(host.run(run, "alice")->status == "running");
  http_post(host.port(), "/v1/runs/" + run + "/cancel", "", alice);
  host.wait_final(run, "alice");
}

TEST_CASE("unknown paths are 404 - wrong methods 405 with Allow - all as JSON") {
  TestHost host;
  const auto token = TestHost::token("alice");
  auto unknown = http_get(host.port(), "/v1/nothing", token);
  CHECK(unknown.status == 404);
  CHECK(unknown.error_code() == "not_found");
  auto wrong = http(host.port(), HttpRequest{"DELETE", "/v1/runs/abc", "", token, {}});
  CHECK(wrong.status == 405);
  CHECK(wrong.header("allow") == "GET");
  CHECK(wrong.error_code() == "method_not_allowed");
  auto get_runs = http_get(host.port(), "/v1/runs", token);
  CHECK(get_runs.status == 405);
  CHECK(get_runs.header("allow") == "POST");
  auto ws_plain = http_get(host.port(), "/v1/ws", token);
  CHECK(ws_plain.status == 426);
  CHECK(ws_plain.error_code() == "upgrade_required");
}
