// Limits that hold before a client is known (headers authenticated before a body is
// read, the handshake timeout for strangers' headers, the cap on unauthenticated
// connections), HTTP connections capped per user, and WebSockets that end when their
// credentials do.

#include <catch2/catch.hpp>

#include <memory>
#include <vector>

#include "auth/jwt_test_tokens.hpp"
#include "server/raw_connection.hpp"
#include "server/ws_helpers.hpp"
#include "support/wait_until.hpp"

using namespace agenthost::server::test;
using agenthost::testing::wait_until;

namespace {

const std::string kBigBodyHead =
    request_head("POST", "/v1/runs",
                 "Content-Type: application/json\r\nContent-Length: 1048576\r\n"
                 "Expect: 100-continue\r\n");

std::string bearer(const std::string& token) { return "Authorization: Bearer " + token + "\r\n"; }

}  // namespace

TEST_CASE(
    "a request without credentials is refused from its headers - no 100 Continue - no body read") {
  TestHost host;
  RawConnection client(host.port());
  client.write(kBigBodyHead);
  // The answer comes without the body ever being sent.
  CHECK(client.read_status() == 401);
  CHECK(client.closed_within(kDeadline));
}

TEST_CASE("a request with credentials gets 100 Continue and its body is read") {
  TestHost host;
  RawConnection client(host.port());
  const std::string body = R"({"agent":"echo","input":{"text":"hi"}})";
  client.write(request_head("POST", "/v1/runs",
                            bearer(TestHost::token("alice")) + "Content-Length: " +
                                std::to_string(body.size()) + "\r\nExpect: 100-continue\r\n"));
  CHECK(client.read_status() == 100);
  client.write(body);
  CHECK(client.read_status() == 202);
}

TEST_CASE("a stranger's headers get handshake_timeout - not idle_timeout") {
  TestHost host([](TestHostSettings& s) {
    s.server.handshake_timeout = 1s;
    s.server.idle_timeout = 60s;
  });
  RawConnection partial(host.port());
  partial.write("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n");  // and never the end
  RawConnection silent(host.port());
  CHECK(partial.closed_within(10s));
  CHECK(silent.closed_within(10s));
}

TEST_CASE("a user's keep-alive connection waits idle_timeout between requests") {
  TestHost host([](TestHostSettings& s) {
    s.server.handshake_timeout = 1s;
    s.server.idle_timeout = 60s;
  });
  RawConnection client(host.port());
  client.write(request_head("GET", "/v1/agents", bearer(TestHost::token("alice"))));
  REQUIRE(client.read_status() == 200);
  // Three handshake timeouts later it is still open and still answers.
  CHECK_FALSE(client.closed_within(3s));
}

TEST_CASE("unauthenticated connections over the cap close the oldest - users still get in") {
  TestHost host([](TestHostSettings& s) { s.server.max_unauthenticated_connections = 8; });
  std::vector<std::unique_ptr<RawConnection>> idle;
  for (int i = 0; i < 8; ++i) idle.push_back(std::make_unique<RawConnection>(host.port()));
  REQUIRE(wait_until([&] { return host.server->connection_count() == 8; }));
  // The ninth evicts the first; the other seven stay.
  RawConnection ninth(host.port());
  CHECK(idle.front()->closed_within(kDeadline));
  CHECK_FALSE(idle.back()->closed_within(200ms));
  // A user is served although the pool is full.
  const auto run = start_run_over_http(host, "alice", {{"agent", "echo"}, {"input", 1}});
  CHECK(host.wait_final(run, "alice").status == "completed");
}

TEST_CASE("HTTP connections are capped per user like WebSockets") {
  TestHost host([](TestHostSettings& s) { s.server.max_connections_per_user = 2; });
  const auto agents = request_head("GET", "/v1/agents", bearer(TestHost::token("alice")));
  auto first = std::make_unique<RawConnection>(host.port());
  RawConnection second(host.port());
  first->write(agents);
  REQUIRE(first->read_status() == 200);
  second.write(agents);
  REQUIRE(second.read_status() == 200);
  // Both stay open (keep-alive): a third connection of alice is refused ...
  RawConnection third(host.port());
  third.write(agents);
  CHECK(third.read_status() == 429);
  CHECK(third.closed_within(kDeadline));
  // ... but not bob's, nor alice's requests on the connections she holds.
  CHECK(http_get(host.port(), "/v1/agents", TestHost::token("bob")).status == 200);
  second.write(agents);
  CHECK(second.read_status() == 200);
  // Once one closes, alice may open another.
  first.reset();
  CHECK(wait_until(
      [&] { return http_get(host.port(), "/v1/agents", TestHost::token("alice")).status == 200; }));
}

TEST_CASE("a WebSocket closes with 4001 when its token expires") {
  TestHost host([](TestHostSettings& s) { s.auth.jwt_leeway = 0s; });
  const auto token = agenthost::testing::make_jwt(
      {{"sub", "alice"}, {"exp", agenthost::testing::unix_time_in(4s)}});
  auto ws = WsClient::connect(host.port(), WsOptions{token, std::nullopt, 0});
  ws->send({{"type", "ping"}});
  REQUIRE(ws->read().type() == "pong");
  const auto ending = ws->read_until_closed(15s);
  CHECK(ending.last.kind == WsRead::Kind::closed);
  CHECK(ending.last.close_code == 4001);
}

TEST_CASE(
    "a WebSocket closes with 4001 when a reload removes its API key or changes the JWT secret") {
  TestHost host;
  auto by_key = WsClient::connect(host.port(), WsOptions{kKeyUserApiKey, std::nullopt, 0});
  auto by_jwt = WsClient::connect(host.port(), as_user("alice"));
  by_jwt->send({{"type", "ping"}});
  REQUIRE(by_jwt->read().type() == "pong");

  auto options = host.settings.auth;
  options.api_keys.clear();
  host.authenticator->reload(options);
  const auto key_ending = by_key->read_until_closed(kDeadline);
  CHECK(key_ending.last.close_code == 4001);
  // Tokens signed with the secret still in force keep their socket.
  by_jwt->send({{"type", "ping"}});
  CHECK(by_jwt->read().type() == "pong");

  options.jwt_hs256_secret = std::string(48, 'n');
  host.authenticator->reload(options);
  const auto jwt_ending = by_jwt->read_until_closed(kDeadline);
  CHECK(jwt_ending.last.close_code == 4001);
}
