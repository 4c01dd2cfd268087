// Back-pressure: a client that stops reading is disconnected once its queue is
// full and its writes stall, without slowing its own runs or anybody else; it
// reconnects and resumes. Clients slower than their runs catch up from the log.

#include <catch2/catch.hpp>

#include <thread>

#include "server/ws_helpers.hpp"

using namespace agenthost::server::test;
namespace json = boost::json;

TEST_CASE(
    "a client that never reads is closed - another user keeps streaming - both resume whole") {
  TestHost host([](TestHostSettings& s) {
    s.server.send_queue_frames = 64;
    s.server.socket_send_buffer_bytes = 8192;  // the kernel buffers fill sooner
    s.server.write_timeout = std::chrono::seconds(3);
  });
  constexpr int kCount = 6000;

  // The slow client: a small receive buffer, starts a chatty run and never reads.
  auto slow =
      WsClient::connect(host.port(), WsOptions{TestHost::token("slow"), std::nullopt, 4096});
  slow->send({{"type", "start_run"},
              {"request_id", "slow-1"},
              {"agent", "chatty"},
              {"input", {{"count", kCount}}}});

  // Meanwhile another user streams a run of the same size, reading everything.
  auto fast = WsClient::connect(host.port(), as_user("fast"));
  const auto fast_run = start_run_ws(*fast, "chatty", {{"count", kCount}});
  const auto fast_frames =
      fast->read_until([&](const json::object& f) { return is_terminal_of(f, fast_run); });
  check_consecutive(fast_frames, fast_run, 0);
  CHECK(fast_frames.size() == kCount + 2);

  // The slow client's run was not slowed down by its client: it completes.
  std::string slow_run;
  {
    // Its id comes from the first frame the slow client got (run_accepted), which we
    // read only now.
    auto first = slow->read();
    REQUIRE(first.type() == "run_accepted");
    slow_run = std::string(first.message.at("run_id").as_string());
  }
  CHECK(host.wait_final(slow_run, "slow").status == "completed");

  // The server drops the connection that does not read (its write stalls past
  // write_timeout): once the fast client has left, no connection remains.
  fast->close();
  const auto until = std::chrono::steady_clock::now() + kDeadline;
  while (host.server->connection_count() > 0 && std::chrono::steady_clock::now() < until)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));  // polling the condition
  REQUIRE(host.server->connection_count() == 0);

  // Reading now: what was buffered, then the end of the connection (dropped when
  // its write stalled past write_timeout), long before the run's end.
  const auto ending = slow->read_until_closed();
  INFO("slow client got " << ending.frames.size() << " frames, then "
                          << (ending.last.kind == WsRead::Kind::closed
                                  ? "close " + std::to_string(ending.last.close_code)
                                  : "error " + ending.last.error));
  CHECK((ending.last.kind == WsRead::Kind::error ||
         (ending.last.kind == WsRead::Kind::closed && ending.last.close_code == 1013)));
  const auto received = events_of(ending.frames, slow_run);
  CHECK(received.size() < static_cast<std::size_t>(kCount));
  check_consecutive(received, slow_run, 0);

  // It reconnects and resumes after the last event it saw: everything else, once.
  const std::uint64_t last_seen = received.empty() ? 0 : seq_of(received.back());
  auto again = WsClient::connect(host.port(), as_user("slow"));
  again->send({{"type", "subscribe"}, {"run_id", slow_run}, {"after", last_seen}});
  const auto rest =
      again->read_until([&](const json::object& f) { return is_terminal_of(f, slow_run); });
  check_consecutive(rest, slow_run, last_seen);
  CHECK(seq_of(rest.back()) == kCount + 2);
}

TEST_CASE("a replay larger than the send queue is paced - not overflowed") {
  TestHost host([](TestHostSettings& s) { s.server.send_queue_frames = 16; });
  const auto created =
      http_post(host.port(), "/v1/runs", R"({"agent":"chatty","input":{"count":2000}})",
                TestHost::token("alice"));
  const std::string run(created.json().at("run_id").as_string());
  host.wait_final(run, "alice");
  auto ws = WsClient::connect(host.port(), as_user("alice"));
  ws->send({{"type", "subscribe"}, {"run_id", run}});
  const auto frames = ws->read_until([&](const json::object& f) { return is_terminal_of(f, run); });
  check_consecutive(frames, run, 0);
  CHECK(frames.size() == 2002);
}

TEST_CASE("a client slower than its run is not dropped: it catches up from the log") {
  // A tiny queue and inbox: the run's burst cannot fit, the client still reads.
  TestHost host([](TestHostSettings& s) { s.server.send_queue_frames = 8; });
  auto ws = WsClient::connect(host.port(), as_user("alice"));
  const auto run = start_run_ws(*ws, "chatty", {{"count", 5000}});
  const auto frames = ws->read_until([&](const json::object& f) { return is_terminal_of(f, run); });
  check_consecutive(frames, run, 0);
  CHECK(frames.size() == 5002);
}
