// Authentication over the network: every refusal for HTTP and for the WebSocket
// upgrade (header and access_token query parameter).

#include <catch2/catch.hpp>

#include <thread>

#include "auth/jwt_test_tokens.hpp"
#include "server/test_client.hpp"
#include "server/test_host.hpp"

using namespace agenthost::server::test;
using agenthost::testing::make_jwt;
using agenthost::testing::unix_time_in;

namespace {

struct BadCredential {
  std::string name;
  std::string token;
};

std::vector<BadCredential> bad_credentials() {
  const boost::json::object claims{{"sub", "alice"}, {"exp", unix_time_in(std::chrono::hours(1))}};
  return {
      {"garbage", "not-a-token-at-all"},
      {"expired", make_jwt({{"sub", "alice"}, {"exp", unix_time_in(-std::chrono::hours(1))}})},
      {"not yet valid", make_jwt({{"sub", "alice"},
                                  {"exp", unix_time_in(std::chrono::hours(2))},
                                  {"nbf", unix_time_in(std::chrono::hours(1))}})},
      {"alg none", make_jwt(claims, "", "none")},
      {"HS512", make_jwt(claims, agenthost::testing::kTestJwtSecret, "HS512")},
      {"wrong key", make_jwt(claims, "a-different-secret-that-is-long-enough-for-hs256!")},
      {"placeholder sub",
       make_jwt({{"sub", "default"}, {"exp", unix_time_in(std::chrono::hours(1))}})},
      {"unknown API key", "ak_unknown_0123456789abcdef"},
  };
}

void check_401(const HttpResponse& r) {
  CHECK(r.status == 401);
  CHECK(r.error_code() == "unauthorized");
  CHECK_THAT(r.header("www-authenticate"), Catch::StartsWith("Bearer"));
  CHECK(r.header("content-type") == "application/json");
}

}  // namespace

TEST_CASE("HTTP requests without valid credentials get 401 with WWW-Authenticate: Bearer") {
  TestHost host;
  {
    INFO("no Authorization header");
    check_401(http_get(host.port(), "/v1/agents", std::nullopt));
  }
  {
    INFO("Basic scheme");
    check_401(http(
        host.port(),
        HttpRequest{
            "GET", "/v1/agents", "", std::nullopt, {{"Authorization", "Basic YWxpY2U6cHc="}}}));
  }
  for (const auto& bad : bad_credentials()) {
    INFO(bad.name);
    const auto r = http_get(host.port(), "/v1/agents", bad.token);
    check_401(r);
    CHECK(r.body.find(bad.token) == std::string::npos);  // never echoed
    check_401(http_post(host.port(), "/v1/runs", R"({"agent":"echo","input":1})", bad.token));
    check_401(http_get(host.port(), "/v1/runs/some-run-id", bad.token));
  }
  // The expired token is told apart, without details.
  const auto expired = http_get(host.port(), "/v1/agents", bad_credentials()[1].token);
  CHECK_THAT(std::string(expired.json().at("error").at("message").as_string()),
             Catch::Contains("expired"));
}

TEST_CASE("valid JWTs and API keys are accepted over HTTP") {
  TestHost host;
  CHECK(http_get(host.port(), "/v1/agents", TestHost::token("alice")).status == 200);
  CHECK(http_get(host.port(), "/v1/agents", std::string(kKeyUserApiKey)).status == 200);
  // The API key's user owns what it starts.
  auto r = http_post(host.port(), "/v1/runs", R"({"agent":"echo","input":1})",
                     std::string(kKeyUserApiKey));
  REQUIRE(r.status == 202);
  const std::string run(r.json().at("run_id").as_string());
  CHECK(host.run(run, "keyuser"));
  CHECK_FALSE(host.run(run, "alice"));
  host.wait_final(run, "keyuser");
}

TEST_CASE("WebSocket upgrades without valid credentials are refused with 401") {
  TestHost host;
  {
    INFO("no credentials");
    check_401(WsClient::refused_upgrade(host.port(), {}));
  }
  for (const auto& bad : bad_credentials()) {
    INFO(bad.name << " in the Authorization header");
    check_401(WsClient::refused_upgrade(host.port(), WsOptions{bad.token, std::nullopt, 0}));
    INFO(bad.name << " in access_token");
    check_401(WsClient::refused_upgrade(host.port(), WsOptions{std::nullopt, bad.token, 0}));
  }
  // Refused upgrades leave nothing behind: every connection goes once its client has.
  const auto until = std::chrono::steady_clock::now() + kDeadline;
  while (host.server->connection_count() > 0 && std::chrono::steady_clock::now() < until)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));  // polling the condition
  CHECK(host.server->connection_count() == 0);
}

TEST_CASE("WebSocket upgrades accept a valid token in the header or the access_token parameter") {
  TestHost host;
  for (const auto& options : {WsOptions{TestHost::token("alice"), std::nullopt, 0},
                              WsOptions{std::nullopt, TestHost::token("alice"), 0},
                              WsOptions{std::nullopt, std::string(kKeyUserApiKey), 0}}) {
    auto ws = WsClient::connect(host.port(), options);
    ws->send({{"type", "ping"}});
    CHECK(ws->read().type() == "pong");
    ws->close();
  }
}

TEST_CASE("WebSocket upgrades elsewhere than /v1/ws are 404") {
  TestHost host;
  const auto r = WsClient::refused_upgrade(
      host.port(), WsOptions{TestHost::token("alice"), std::nullopt, 0}, "/v1/agents");
  CHECK(r.status == 404);
}
