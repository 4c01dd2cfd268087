#include <catch2/catch.hpp>

#include "auth/authenticator.hpp"
#include "auth/token_issuer.hpp"

using namespace agenthost::auth;

namespace {

AuthOptions jwt_options() {
  AuthOptions o;
  o.jwt_hs256_secret = "an-issuer-test-secret-of-32-bytes-at-least";
  o.jwt_issuer = "agenthost-test";
  o.jwt_audience = "agents";
  return o;
}

}  // namespace

TEST_CASE("an issued token authenticates its user with the same options") {
  const auto options = jwt_options();
  Authenticator authenticator(options);
  const auto token = issue_token(options, "alice", std::chrono::hours(1));
  const auto result = authenticator.authenticate_header("Bearer " + token);
  CHECK(result.ok());
  CHECK(result.user_id == "alice");
}

TEST_CASE("an issued token is refused by a host with another secret - or once expired") {
  const auto options = jwt_options();
  auto other = options;
  other.jwt_hs256_secret = "a-different-secret-also-32-bytes-long!!";
  CHECK_FALSE(Authenticator(other)
                  .authenticate_token(issue_token(options, "alice", std::chrono::hours(1)))
                  .ok());
  auto strict = options;
  strict.jwt_leeway = std::chrono::seconds(0);
  const auto expired = Authenticator(strict).authenticate_token(
      issue_token(options, "alice", -std::chrono::hours(1)));
  CHECK_FALSE(expired.ok());
  CHECK(expired.failure == AuthFailure::expired);
}

TEST_CASE("issuing needs a JWT secret and a valid user id") {
  CHECK_THROWS_WITH(issue_token(AuthOptions{}, "alice", std::chrono::hours(1)),
                    Catch::Contains("auth.jwt.hs256_secret"));
  CHECK_THROWS_WITH(issue_token(jwt_options(), "default", std::chrono::hours(1)),
                    Catch::Contains("placeholder"));
}
