// The isolation tests over the network: users on real connections, each starting
// runs and subscribing; zero events cross users.

#include <catch2/catch.hpp>

#include <boost/json/serialize.hpp>

#include <set>
#include <thread>

#include "server/ws_helpers.hpp"

using namespace agenthost::server::test;
namespace json = boost::json;

namespace {

struct UserSession {
  std::string user;
  std::unique_ptr<WsClient> ws;
  std::set<std::string> runs;
  std::vector<json::object> frames;
};

// Starts `runs_per_user` runs for every user (without reading), then reads each
// user's connection until all of its runs ended. Checks that every frame a user got
// belongs to that user's runs, and that each run arrived whole and in order.
void run_users(TestHost& host, int users, int runs_per_user, int chatty_count) {
  std::vector<UserSession> sessions(static_cast<std::size_t>(users));
  for (int u = 0; u < users; ++u) {
    auto& s = sessions[static_cast<std::size_t>(u)];
    s.user = "user-" + std::to_string(u);
    s.ws = WsClient::connect(host.port(), as_user(s.user));
    for (int r = 0; r < runs_per_user; ++r) {
      const json::value input = r % 2 == 0 ? json::value{{"count", chatty_count}}
                                           : json::value{{"text", s.user + " private"}};
      s.ws->send({{"type", "start_run"},
                  {"request_id", "req-" + std::to_string(r)},
                  {"agent", r % 2 == 0 ? "chatty" : "echo"},
                  {"input", input}});
    }
  }
  std::set<std::string> every_run;
  for (auto& s : sessions) {
    std::size_t ended = 0;
    std::size_t accepted = 0;
    while (accepted < static_cast<std::size_t>(runs_per_user) ||
           ended < static_cast<std::size_t>(runs_per_user)) {
      auto r = s.ws->read();
      INFO(s.user << ": " << r.text << r.error);
      REQUIRE(r.is_message());
      if (r.type() == "run_accepted") {
        ++accepted;
        s.runs.insert(std::string(r.message.at("run_id").as_string()));
        continue;
      }
      REQUIRE(r.message.contains("seq"));
      // An event before its run_accepted would be a run of somebody else.
      REQUIRE(s.runs.count(std::string(r.message.at("run_id").as_string())) == 1);
      if (is_terminal(r.message)) ++ended;
      s.frames.push_back(std::move(r.message));
    }
    for (const auto& run : s.runs) {
      REQUIRE(every_run.insert(run).second);  // no run id shared between users
      check_consecutive(events_of(s.frames, run), run, 0);
    }
  }
  // Each user's echo runs carried only that user's text.
  for (const auto& s : sessions)
    for (const auto& f : s.frames)
      if (f.at("type") == "agent_completed" && f.at("agent_name") == "echo")
        CHECK(json::serialize(f.at("payload")).find(s.user + " private") != std::string::npos);

  // Explicit attempts to reach another user's runs: all not_found.
  for (std::size_t u = 0; u < sessions.size(); ++u) {
    auto& s = sessions[u];
    const auto& other = sessions[(u + 1) % sessions.size()];
    if (other.user == s.user) continue;
    const auto& their_run = *other.runs.begin();
    s.ws->send({{"type", "subscribe"}, {"run_id", their_run}});
    auto r = s.ws->read();
    CHECK(r.message.at("code") == "not_found");
    const auto http_r =
        http_get(host.port(), "/v1/runs/" + their_run + "/events", TestHost::token(s.user));
    CHECK(http_r.status == 404);
  }
  // Nothing else arrived afterwards: the next frame is each one's pong.
  for (auto& s : sessions) {
    s.ws->send({{"type", "ping"}});
    CHECK(s.ws->read().type() == "pong");
  }
}

}  // namespace

TEST_CASE("two users on real connections: zero events cross") {
  TestHost host;
  run_users(host, 2, 6, 200);
}

TEST_CASE("100 users on real connections: zero events cross") {
  TestHost host([](TestHostSettings& s) {
    s.engine.worker_threads = 8;
    s.server.io_threads = 2;
  });
  run_users(host, 100, 2, 20);
}

TEST_CASE("two users reading concurrently get exactly their own run") {
  TestHost host;
  auto alice = WsClient::connect(host.port(), as_user("alice"));
  auto bob = WsClient::connect(host.port(), as_user("bob"));
  const auto alice_run = start_run_ws(*alice, "chatty", {{"count", 2000}}, "a");
  const auto bob_run = start_run_ws(*bob, "chatty", {{"count", 2000}}, "b");
  // Both read at the same time, from two threads (no Catch assertions in them).
  std::vector<json::object> alice_frames, bob_frames;
  std::string alice_error, bob_error;
  auto reader = [](WsClient& ws, std::vector<json::object>& frames, std::string& error) {
    try {
      frames = ws.read_until([](const json::object& f) { return is_terminal(f); });
    } catch (const std::exception& e) {
      error = e.what();
    }
  };
  std::thread ra(reader, std::ref(*alice), std::ref(alice_frames), std::ref(alice_error));
  std::thread rb(reader, std::ref(*bob), std::ref(bob_frames), std::ref(bob_error));
  ra.join();
  rb.join();
  REQUIRE(alice_error.empty());
  REQUIRE(bob_error.empty());
  check_consecutive(alice_frames, alice_run, 0);
  check_consecutive(bob_frames, bob_run, 0);
}
