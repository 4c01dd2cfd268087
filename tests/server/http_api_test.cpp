// The HTTP API over real sockets, against the real engine, database and plugins.

#include <catch2/catch.hpp>

#include <boost/json/serialize.hpp>

#include "server/test_client.hpp"
#include "server/test_host.hpp"
#include "support/wait_until.hpp"

using namespace agenthost::server::test;
namespace json = boost::json;

TEST_CASE("healthz answers without credentials - readyz follows the ready flag") {
  TestHost host;
  auto health = http_get(host.port(), "/healthz", std::nullopt);
  CHECK(health.status == 200);
  CHECK(health.json().at("status") == "ok");
  CHECK(health.header("content-type") == "application/json");
  CHECK(http_get(host.port(), "/readyz", std::nullopt).status == 200);
  host.server->set_ready(false);
  auto draining = http_get(host.port(), "/readyz", std::nullopt);
  CHECK(draining.status == 503);
  CHECK(draining.error_code() == "not_ready");
  CHECK(draining.header("retry-after") == "1");
  CHECK(http_get(host.port(), "/healthz", std::nullopt).status == 200);
}

TEST_CASE("readyz says degraded while ended runs' statuses are unrecorded") {
  TestHost host;
  auto sql = [&](const char* statement) {
    auto lease = host.database->acquire();
    lease.session() << statement;
  };
  // The database refuses every final status 'completed' (a real SQLite trigger).
  sql("CREATE TRIGGER refuse_completed BEFORE UPDATE ON runs WHEN NEW.status = 'completed'"
      " BEGIN SELECT RAISE(ABORT, 'refused by the test'); END");
  const auto token = TestHost::token("alice");
  auto start_run = [&] {
    const auto created =
        http_post(host.port(), "/v1/runs", R"({"agent":"echo","input":{"text":"hi"}})", token);
    REQUIRE(created.status == 202);
    return std::string(created.json().at("run_id").as_string());
  };
  const auto first = start_run();
  REQUIRE(agenthost::testing::wait_until([&] { return host.engine->unrecorded_statuses() == 1; }));
  const auto degraded = http_get(host.port(), "/readyz", std::nullopt);
  CHECK(degraded.status == 200);  // it still takes runs
  CHECK(degraded.json().at("status") == "degraded");
  CHECK(degraded.json().at("unrecorded_run_statuses") == 1);
  CHECK(host.run(first, "alice")->status == "running");

  sql("DROP TRIGGER refuse_completed");
  host.wait_final(start_run(), "alice");
  CHECK(host.wait_status(first, "alice", "completed"));
  CHECK(http_get(host.port(), "/readyz", std::nullopt).json().at("status") == "ready");
}

TEST_CASE("GET /v1/agents lists every registered agent with its plugin and version") {
  TestHost host;
  auto r = http_get(host.port(), "/v1/agents", TestHost::token("alice"));
  REQUIRE(r.status == 200);
  const auto agents = r.json().at("agents").as_array();
  bool found_echo = false;
  std::string previous;
  for (const auto& a : agents) {
    const auto& agent = a.as_object();
    const std::string name(agent.at("name").as_string());
    CHECK(name > previous);  // sorted
    previous = name;
    CHECK(agent.contains("description"));
    CHECK(agent.contains("version"));
    if (name == "echo") {
      found_echo = true;
      CHECK(agent.at("plugin") == "echo");
      CHECK(agent.at("version") == "1.0.0");
      CHECK(agent.at("description") == "Returns its input unchanged");
    }
    if (name == "chatty") CHECK(agent.at("plugin") == "testagents");
  }
  CHECK(found_echo);
}

TEST_CASE("a run started over HTTP completes - its record and stored events read back") {
  TestHost host;
  const auto token = TestHost::token("alice");
  const auto created =
      http_post(host.port(), "/v1/runs", R"({"agent":"echo","input":{"text":"hi"}})", token);
  REQUIRE(created.status == 202);
  const auto body = created.json().as_object();
  const std::string run_id(body.at("run_id").as_string());
  const std::string thread_id(body.at("thread_id").as_string());
  CHECK(body.at("status") == "queued");
  CHECK(created.header("location") == "/v1/runs/" + run_id);

  host.wait_final(run_id, "alice");
  auto run = http_get(host.port(), "/v1/runs/" + run_id, token);
  REQUIRE(run.status == 200);
  const auto record = run.json().as_object();
  CHECK(str(record.at("run_id")) == run_id);
  CHECK(str(record.at("thread_id")) == thread_id);
  CHECK(record.at("agent") == "echo");
  CHECK(record.at("status") == "completed");
  CHECK(json::serialize(record.at("input")) == R"({"text":"hi"})");
  CHECK(json::serialize(record.at("result")) == R"({"text":"hi"})");
  CHECK(record.contains("created_at"));
  CHECK(record.contains("started_at"));
  CHECK(record.contains("finished_at"));
  CHECK_FALSE(record.contains("user_id"));

  auto events = http_get(host.port(), "/v1/runs/" + run_id + "/events", token);
  REQUIRE(events.status == 200);
  const auto all = events.json().as_object();
  const auto& list = all.at("events").as_array();
  REQUIRE(list.size() >= 3);
  for (std::size_t i = 0; i < list.size(); ++i) {
    const auto& e = list[i].as_object();
    CHECK(e.at("seq").to_number<std::uint64_t>() == i + 1);
    CHECK(str(e.at("run_id")) == run_id);
    CHECK(str(e.at("thread_id")) == thread_id);
    CHECK(e.at("agent_name") == "echo");
    CHECK(e.contains("timestamp"));
    CHECK(e.contains("payload"));
    CHECK_FALSE(e.contains("user_id"));
  }
  CHECK(list.front().at("type") == "agent_started");
  CHECK(list.back().at("type") == "agent_completed");
  CHECK(all.at("has_more") == false);
  CHECK(all.at("last_seq").to_number<std::uint64_t>() == list.size());

  auto after = http_get(host.port(), "/v1/runs/" + run_id + "/events?after=1&limit=1", token);
  REQUIRE(after.status == 200);
  const auto page = after.json().as_object();
  REQUIRE(page.at("events").as_array().size() == 1);
  CHECK(page.at("events").as_array()[0].at("seq").to_number<int>() == 2);
  CHECK(page.at("has_more") == (list.size() > 2));
  CHECK(page.at("last_seq").to_number<int>() == 2);

  auto past_end = http_get(host.port(), "/v1/runs/" + run_id + "/events?after=1000", token);
  CHECK(past_end.json().at("events").as_array().empty());
  CHECK(past_end.json().at("last_seq").to_number<int>() == 1000);

  for (const char* bad :
       {"?after=-1", "?after=x", "?after=", "?limit=0", "?limit=1001", "?after=1.5"}) {
    INFO(bad);
    auto r = http_get(host.port(), "/v1/runs/" + run_id + "/events" + bad, token);
    CHECK(r.status == 400);
    CHECK(r.error_code() == "invalid_field");
  }
}

TEST_CASE("threads: created empty - then list their runs") {
  TestHost host;
  const auto token = TestHost::token("alice");
  auto created = http_post(host.port(), "/v1/threads", "", token);
  REQUIRE(created.status == 201);
  const std::string thread_id(created.json().at("thread_id").as_string());
  CHECK(thread_id.size() == 32);
  CHECK(http_post(host.port(), "/v1/threads", "{}", token).status == 201);
  CHECK(http_post(host.port(), "/v1/threads", R"({"name":"x"})", token).error_code() ==
        "unknown_field");
  CHECK(http_post(host.port(), "/v1/threads", "nope", token).error_code() == "invalid_json");

  auto empty = http_get(host.port(), "/v1/threads/" + thread_id + "/runs", token);
  REQUIRE(empty.status == 200);
  CHECK(empty.json().at("runs").as_array().empty());

  const auto first = start_run_over_http(
      host, "alice", {{"agent", "echo"}, {"thread_id", thread_id}, {"input", 1}});
  host.wait_final(first, "alice");
  const auto second = start_run_over_http(
      host, "alice", {{"agent", "echo"}, {"thread_id", thread_id}, {"input", 2}});
  host.wait_final(second, "alice");
  auto listed = http_get(host.port(), "/v1/threads/" + thread_id + "/runs", token);
  REQUIRE(listed.status == 200);
  const auto runs = listed.json().at("runs").as_array();
  REQUIRE(runs.size() == 2);
  CHECK(str(runs[0].at("run_id")) == first);
  CHECK(str(runs[1].at("run_id")) == second);

  auto absent = http_get(host.port(), "/v1/threads/no-such-thread-1234/runs", token);
  CHECK(absent.status == 404);
  CHECK(absent.error_code() == "not_found");
  CHECK(http_get(host.port(), "/v1/threads/default/runs", token).status == 400);
}

TEST_CASE("a thread's runs are listed in pages - limit and after") {
  TestHost host;
  const auto token = TestHost::token("alice");
  auto created = http_post(host.port(), "/v1/threads", "", token);
  REQUIRE(created.status == 201);
  const std::string thread_id(created.json().at("thread_id").as_string());
  std::vector<std::string> started;
  for (int i = 0; i < 5; ++i) {
    started.push_back(start_run_over_http(
        host, "alice", {{"agent", "echo"}, {"thread_id", thread_id}, {"input", i}}));
    host.wait_final(started.back(), "alice");
  }
  const std::string base = "/v1/threads/" + thread_id + "/runs";
  std::vector<std::string> listed;
  std::string after;
  for (int page = 0; page < 3; ++page) {
    auto r =
        http_get(host.port(), base + "?limit=2" + (after.empty() ? "" : "&after=" + after), token);
    REQUIRE(r.status == 200);
    const auto body = r.json().as_object();
    const auto& runs = body.at("runs").as_array();
    CHECK(runs.size() == (page < 2 ? 2u : 1u));
    for (const auto& run : runs) listed.push_back(str(run.at("run_id")));
    CHECK(body.at("has_more").as_bool() == (page < 2));
    after = str(body.at("last_run_id"));
  }
  CHECK(listed == started);
  // The whole list fits the default page; limits outside 1 .. 100 are refused.
  const auto all = http_get(host.port(), base, token).json();
  CHECK(all.at("runs").as_array().size() == 5);
  CHECK_FALSE(all.at("has_more").as_bool());
  CHECK(http_get(host.port(), base + "?limit=0", token).error_code() == "invalid_field");
  CHECK(http_get(host.port(), base + "?limit=101", token).error_code() == "invalid_field");
  CHECK(http_get(host.port(), base + "?after=none", token).error_code() == "invalid_field");
  // Another thread's run as the cursor gives nothing of this thread.
  const auto elsewhere = start_run_over_http(host, "alice", {{"agent", "echo"}, {"input", 9}});
  host.wait_final(elsewhere, "alice");
  CHECK(http_get(host.port(), base + "?after=" + elsewhere, token)
            .json()
            .at("runs")
            .as_array()
            .empty());
}

TEST_CASE("cancel is 202 and idempotent - the run ends cancelled") {
  TestHost host;
  const auto token = TestHost::token("alice");
  const auto run =
      start_run_over_http(host, "alice", {{"agent", "sleepy"}, {"input", {{"ms", 30000}}}});
  auto first = http_post(host.port(), "/v1/runs/" + run + "/cancel", "", token);
  CHECK(first.status == 202);
  CHECK(str(first.json().at("run_id")) == run);
  CHECK(http_post(host.port(), "/v1/runs/" + run + "/cancel", "", token).status == 202);
  CHECK(host.wait_final(run, "alice").status == "cancelled");
  CHECK(http_post(host.port(), "/v1/runs/" + run + "/cancel", "", token).status == 202);
  CHECK(http_post(host.port(), "/v1/runs/no-such-run-42/cancel", "", token).status == 404);
  CHECK(http_post(host.port(), "/v1/runs/none/cancel", "", token).status == 400);
}

TEST_CASE("Expect: 100-continue gets 100 Continue before the answer") {
  TestHost host;
  auto r = http(host.port(), HttpRequest{"POST",
                                         "/v1/runs",
                                         R"({"agent":"echo","input":1})",
                                         TestHost::token("alice"),
                                         {{"Expect", "100-continue"}}});
  CHECK(r.interim == std::vector<unsigned>{100});
  CHECK(r.status == 202);
  host.wait_final(std::string(r.json().at("run_id").as_string()), "alice");
}

TEST_CASE("GET /v1/me/stats gives each user their own figures and nobody else's") {
  TestHost host;
  for (int i = 0; i < 2; ++i)
    host.wait_final(
        start_run_over_http(host, "alice", {{"agent", "echo"}, {"input", {{"text", "a"}}}}),
        "alice");
  const auto failing =
      start_run_over_http(host, "bob", {{"agent", "failing"}, {"input", json::object{}}});
  CHECK(host.wait_final(failing, "bob").status == "failed");
  // The live figures count a run once it has left the engine, just after its final
  // status is stored (which wait_final saw): wait for both users' last runs to leave.
  const auto live_active = [&](const std::string& user) {
    const auto r = http_get(host.port(), "/v1/me/stats", TestHost::token(user));
    return r.status == 200 ? r.json().at("live").at("active").to_number<int>() : -1;
  };
  REQUIRE(agenthost::testing::wait_until(
      [&] { return live_active("alice") == 0 && live_active("bob") == 0; }));

  auto alice = http_get(host.port(), "/v1/me/stats", TestHost::token("alice"));
  INFO(alice.body);
  REQUIRE(alice.status == 200);
  const auto a = alice.json().as_object();
  CHECK(a.at("user_id") == "alice");
  CHECK(a.at("runs").at("completed") == 2);
  CHECK(a.at("runs").at("failed") == 0);
  CHECK(a.at("runs").at("total") == 2);
  CHECK(a.at("live").at("active") == 0);
  CHECK(a.at("live").at("duration_ms").at("count") == 2);
  CHECK(a.at("live").at("success_rate") == 1.0);
  CHECK(a.at("limits").at("max_concurrent_runs_per_user") ==
        host.settings.engine.max_concurrent_runs_per_user);

  auto bob = http_get(host.port(), "/v1/me/stats", TestHost::token("bob"));
  REQUIRE(bob.status == 200);
  const auto b = bob.json().as_object();
  CHECK(b.at("user_id") == "bob");
  CHECK(b.at("runs").at("failed") == 1);
  CHECK(b.at("runs").at("completed") == 0);
  CHECK(b.at("runs").at("total") == 1);
  CHECK(b.at("live").at("success_rate") == 0.0);

  // A user with no run: zeros, every status present.
  auto carol = http_get(host.port(), "/v1/me/stats", TestHost::token("carol"));
  REQUIRE(carol.status == 200);
  CHECK(carol.json().at("runs").at("total") == 0);
  CHECK(carol.json().at("runs").at("interrupted") == 0);
  CHECK(carol.json().at("live").at("health").at("band") == "excellent");

  CHECK(http_get(host.port(), "/v1/me/stats", std::nullopt).status == 401);
}

TEST_CASE("GET /metrics without a metrics source is 404 - never 401") {
  TestHost host;
  const auto r = http_get(host.port(), "/metrics", std::nullopt);
  CHECK(r.status == 404);
}
