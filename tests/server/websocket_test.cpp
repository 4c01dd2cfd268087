// The WebSocket protocol over real sockets: starting runs and streaming their
// events, cancel, subscribe with replay-then-live, reconnect and resume, other
// users' runs, limits, idle connections and shutdown.

#include <catch2/catch.hpp>

#include <boost/json/serialize.hpp>

#include <thread>

#include "server/ws_helpers.hpp"

using namespace agenthost::server::test;
namespace json = boost::json;

TEST_CASE("start_run: run_accepted first - then every event of the run in order") {
  TestHost host;
  auto ws = WsClient::connect(host.port(), as_user("alice"));
  const auto run = start_run_ws(*ws, "echo", {{"text", "hi"}}, "my-request");
  const auto frames = ws->read_until([&](const json::object& f) { return is_terminal_of(f, run); });
  const auto events = events_of(frames, run);
  CHECK(events.size() == frames.size());  // nothing else was sent
  check_consecutive(events, run, 0);
  CHECK(events.front().at("type") == "agent_started");
  CHECK(events.back().at("type") == "agent_completed");
  for (const auto& e : events) {
    CHECK(e.at("agent_name") == "echo");
    CHECK(e.contains("thread_id"));
    CHECK(e.contains("timestamp"));
    CHECK(e.at("payload").is_object());
    CHECK_FALSE(e.contains("user_id"));
  }
  CHECK(host.wait_final(run, "alice").status == "completed");
}

TEST_CASE("a chatty run streams thousands of events with no gap or repeat") {
  TestHost host;
  auto ws = WsClient::connect(host.port(), as_user("alice"));
  const auto run = start_run_ws(*ws, "chatty", {{"count", 3000}});
  const auto frames = ws->read_until([&](const json::object& f) { return is_terminal_of(f, run); });
  check_consecutive(events_of(frames, run), run, 0);
  CHECK(frames.size() == 3002);
}

TEST_CASE("ping gets pong - with the request id") {
  TestHost host;
  auto ws = WsClient::connect(host.port(), as_user("alice"));
  ws->send({{"type", "ping"}});
  auto pong = ws->read();
  CHECK(pong.type() == "pong");
  CHECK_FALSE(pong.message.contains("request_id"));
  ws->send({{"type", "ping"}, {"request_id", "p-1"}});
  pong = ws->read();
  CHECK(pong.type() == "pong");
  CHECK(pong.message.at("request_id") == "p-1");
}

TEST_CASE("cancel_run stops a running run - its death event reaches the client") {
  TestHost host;
  auto ws = WsClient::connect(host.port(), as_user("alice"));
  const auto run = start_run_ws(*ws, "sleepy", {{"ms", 30000}});
  // Wait for the agent to be running (its thinking event), then cancel.
  ws->read_until([](const json::object& f) { return f.at("type") == "agent_thinking"; });
  ws->send({{"type", "cancel_run"}, {"run_id", run}});
  const auto frames = ws->read_until([&](const json::object& f) { return is_terminal_of(f, run); });
  CHECK(frames.back().at("type") == "agent_death");
  CHECK(host.wait_final(run, "alice").status == "cancelled");
  // Cancelling again is harmless; an unknown run is an error frame.
  ws->send({{"type", "cancel_run"}, {"run_id", run}});
  ws->send({{"type", "cancel_run"}, {"run_id", "no-such-run-7"}, {"request_id", "c-2"}});
  auto error = ws->read();
  CHECK(error.type() == "error");
  CHECK(error.message.at("code") == "not_found");
  CHECK(error.message.at("request_id") == "c-2");
}

TEST_CASE("subscribe replays a finished run's stored events after `after`") {
  TestHost host;
  const auto created =
      http_post(host.port(), "/v1/runs", R"({"agent":"chatty","input":{"count":20}})",
                TestHost::token("alice"));
  const std::string run(created.json().at("run_id").as_string());
  host.wait_final(run, "alice");

  auto ws = WsClient::connect(host.port(), as_user("alice"));
  ws->send({{"type", "subscribe"}, {"run_id", run}});
  auto all = ws->read_until([&](const json::object& f) { return is_terminal_of(f, run); });
  CHECK(all.size() == 22);
  check_consecutive(all, run, 0);

  ws->send({{"type", "subscribe"}, {"run_id", run}, {"after", 15}});
  auto rest = ws->read_until([&](const json::object& f) { return is_terminal_of(f, run); });
  CHECK(rest.size() == 7);
  check_consecutive(rest, run, 15);

  // Subscribing after the last event sends nothing: the next frame is the pong.
  ws->send({{"type", "subscribe"}, {"run_id", run}, {"after", 22}});
  ws->send({{"type", "ping"}});
  CHECK(ws->read().type() == "pong");
}

TEST_CASE("subscribe while a run is emitting: replay then live - nothing missing or repeated") {
  TestHost host;
  for (std::uint64_t after : {0, 5, 700}) {
    DYNAMIC_SECTION("after " << after) {
      const auto created =
          http_post(host.port(), "/v1/runs", R"({"agent":"chatty","input":{"count":4000}})",
                    TestHost::token("alice"));
      REQUIRE(created.status == 202);
      const std::string run(created.json().at("run_id").as_string());
      auto ws = WsClient::connect(host.port(), as_user("alice"));
      ws->send({{"type", "subscribe"}, {"run_id", run}, {"after", after}});
      const auto frames =
          ws->read_until([&](const json::object& f) { return is_terminal_of(f, run); });
      check_consecutive(frames, run, after);
      CHECK(seq_of(frames.back()) == 4002);
    }
  }
}

TEST_CASE("a client that reconnects and subscribes with its last seq gets every later event once") {
  TestHost host;
  std::string run;
  std::uint64_t last_seen = 0;
  {
    auto ws = WsClient::connect(host.port(), as_user("alice"));
    run = start_run_ws(*ws, "chatty", {{"count", 5000}});
    const auto some = ws->read_until([](const json::object& f) { return seq_of(f) >= 100; });
    check_consecutive(some, run, 0);
    last_seen = seq_of(some.back());
    // Dropped without a close handshake, mid-stream.
  }
  auto ws = WsClient::connect(host.port(), as_user("alice"));
  ws->send({{"type", "subscribe"}, {"run_id", run}, {"after", last_seen}});
  const auto rest = ws->read_until([&](const json::object& f) { return is_terminal_of(f, run); });
  check_consecutive(rest, run, last_seen);
  CHECK(seq_of(rest.back()) == 5002);
  // The run went on without its client (on_disconnect: continue).
  CHECK(host.wait_final(run, "alice").status == "completed");
}

TEST_CASE("another user's runs and threads look absent over the WebSocket") {
  TestHost host;
  auto alice = WsClient::connect(host.port(), as_user("alice"));
  const auto run = start_run_ws(*alice, "sleepy", {{"ms", 30000}});
  REQUIRE(host.wait_status(run, "alice", "running"));
  const auto thread = host.run(run, "alice")->thread_id;

  auto bob = WsClient::connect(host.port(), as_user("bob"));
  bob->send({{"type", "subscribe"}, {"run_id", run}, {"request_id", "s-1"}});
  auto sub = bob->read();
  CHECK(sub.type() == "error");
  CHECK(sub.message.at("code") == "not_found");
  CHECK(sub.message.at("request_id") == "s-1");
  bob->send({{"type", "cancel_run"}, {"run_id", run}});
  CHECK(bob->read().message.at("code") == "not_found");
  bob->send({{"type", "start_run"},
             {"request_id", "r-1"},
             {"agent", "echo"},
             {"thread_id", thread},
             {"input", 1}});
  auto start = bob->read();
  CHECK(start.type() == "error");
  CHECK(start.message.at("code") == "not_found");
  CHECK(start.message.at("request_id") == "r-1");
  CHECK(host.run(run, "alice")->status == "running");

  alice->send({{"type", "cancel_run"}, {"run_id", run}});
  alice->read_until([&](const json::object& f) { return is_terminal_of(f, run); });
  // Bob got nothing of Alice's run.
  bob->send({{"type", "ping"}});
  CHECK(bob->read().type() == "pong");
}

TEST_CASE("start_run refusals are error frames with the request id - the connection stays open") {
  // 0.2 runs per second: a burst of one.
  TestHost host([](TestHostSettings& s) { s.server.runs_per_second_per_user = 0.2; });
  auto ws = WsClient::connect(host.port(), as_user("alice"));
  ws->send(
      {{"type", "start_run"}, {"request_id", "r-1"}, {"agent", "no_such_agent"}, {"input", 1}});
  auto unknown = ws->read();
  CHECK(unknown.type() == "error");
  CHECK(unknown.message.at("code") == "unknown_agent");
  CHECK(unknown.message.at("request_id") == "r-1");
  // The unknown agent used the burst's one token.
  ws->send({{"type", "start_run"}, {"request_id", "r-2"}, {"agent", "echo"}, {"input", 1}});
  auto limited = ws->read();
  CHECK(limited.message.at("code") == "rate_limited");
  CHECK(limited.message.at("request_id") == "r-2");
  ws->send({{"type", "ping"}});
  CHECK(ws->read().type() == "pong");
}

TEST_CASE("queue_full over the WebSocket") {
  TestHost host([](TestHostSettings& s) {
    s.engine.max_concurrent_runs_per_user = 1;
    s.engine.max_queued_runs_per_user = 1;
  });
  auto ws = WsClient::connect(host.port(), as_user("alice"));
  std::vector<std::string> runs;
  runs.push_back(start_run_ws(*ws, "sleepy", {{"ms", 30000}}, "q-1"));
  REQUIRE(host.wait_status(runs[0], "alice", "running"));
  runs.push_back(start_run_ws(*ws, "sleepy", {{"ms", 30000}}, "q-2"));
  ws->send(
      {{"type", "start_run"}, {"request_id", "q-3"}, {"agent", "sleepy"}, {"input", {{"ms", 1}}}});
  const auto frames = ws->read_until([](const json::object& f) { return f.at("type") == "error"; });
  CHECK(frames.back().at("code") == "queue_full");
  CHECK(frames.back().at("request_id") == "q-3");
  for (const auto& run : runs) ws->send({{"type", "cancel_run"}, {"run_id", run}});
}

TEST_CASE("a frame over max_message_bytes closes the connection with 1009") {
  TestHost host([](TestHostSettings& s) { s.server.max_message_bytes = 4096; });
  auto ws = WsClient::connect(host.port(), as_user("alice"));
  ws->send({{"type", "ping"}});
  CHECK(ws->read().type() == "pong");
  ws->send_text(R"({"type":"ping","pad":")" + std::string(5000, 'x') + "\"}");
  const auto ending = ws->read_until_closed();
  CHECK(ending.frames.empty());
  REQUIRE(ending.last.kind == WsRead::Kind::closed);
  CHECK(ending.last.close_code == 1009);
}

TEST_CASE("per-user connection cap: one more connection is refused with 429") {
  TestHost host([](TestHostSettings& s) { s.server.max_connections_per_user = 2; });
  auto first = WsClient::connect(host.port(), as_user("alice"));
  auto second = WsClient::connect(host.port(), as_user("alice"));
  const auto refused = WsClient::refused_upgrade(host.port(), as_user("alice"));
  CHECK(refused.status == 429);
  CHECK(refused.error_code() == "too_many_connections");
  CHECK(refused.header("retry-after") == "1");
  // Other users are not affected.
  auto bob = WsClient::connect(host.port(), as_user("bob"));
  // Closing one frees a slot (once the server has seen the close).
  first->close();
  const auto until = std::chrono::steady_clock::now() + kDeadline;
  std::unique_ptr<WsClient> third;
  while (!third && std::chrono::steady_clock::now() < until) {
    try {
      third = WsClient::connect(host.port(), as_user("alice"));
    } catch (const std::runtime_error&) {
    }
  }
  REQUIRE(third);
  third->send({{"type", "ping"}});
  CHECK(third->read().type() == "pong");
}

TEST_CASE("a peer that stops answering is dropped after idle_timeout - pings keep a client alive") {
  TestHost host(
      [](TestHostSettings& s) { s.server.idle_timeout = std::chrono::milliseconds(400); });
  CHECK(raw_upgrade_and_wait_for_close(host.port(), TestHost::token("alice"), kDeadline));

  auto ws = WsClient::connect(host.port(), as_user("alice"));
  // Five times the idle timeout, talking all along: still open.
  const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(2000);
  int pongs = 0;
  while (std::chrono::steady_clock::now() < until) {
    ws->send({{"type", "ping"}});
    auto r = ws->read(std::chrono::seconds(5));
    REQUIRE(r.type() == "pong");
    ++pongs;
  }
  CHECK(pongs >= 2);  // every ping answered, across five idle timeouts
}

TEST_CASE("disconnecting does not cancel runs by default - on_disconnect cancel does") {
  SECTION("continue") {
    TestHost host;
    std::string run;
    {
      auto ws = WsClient::connect(host.port(), as_user("alice"));
      run = start_run_ws(*ws, "sleepy", {{"ms", 300}});
      ws->close();
    }
    CHECK(host.wait_final(run, "alice").status == "completed");
  }
  SECTION("cancel") {
    TestHost host([](TestHostSettings& s) {
      s.server.on_disconnect = agenthost::server::OnDisconnect::cancel_runs;
    });
    std::string run;
    std::string finished;
    {
      auto ws = WsClient::connect(host.port(), as_user("alice"));
      finished = start_run_ws(*ws, "echo", 1, "done-1");
      ws->read_until([&](const json::object& f) { return is_terminal_of(f, finished); });
      run = start_run_ws(*ws, "sleepy", {{"ms", 30000}}, "slow-1");
      ws->close();
    }
    CHECK(host.wait_final(run, "alice").status == "cancelled");
    CHECK(host.wait_final(finished, "alice").status == "completed");
  }
}

TEST_CASE("stopping the server closes WebSockets with 1001 and refuses new connections") {
  TestHost host;
  auto ws = WsClient::connect(host.port(), as_user("alice"));
  ws->send({{"type", "ping"}});
  CHECK(ws->read().type() == "pong");
  std::thread stopper([&] { host.stop_server(); });
  const auto ending = ws->read_until_closed();
  stopper.join();
  REQUIRE(ending.last.kind == WsRead::Kind::closed);
  CHECK(ending.last.close_code == 1001);
  CHECK(host.server->connection_count() == 0);
  CHECK_THROWS(http_get(host.port(), "/healthz", std::nullopt));
}
