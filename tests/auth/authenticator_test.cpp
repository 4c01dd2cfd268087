#include <catch2/catch.hpp>

#include <atomic>
#include <thread>
#include <vector>

#include "auth/authenticator.hpp"
#include "auth/jwt_test_tokens.hpp"

using agenthost::auth::Authenticator;
using agenthost::auth::AuthFailure;
using agenthost::auth::AuthOptions;
using agenthost::testing::kTestJwtSecret;
using agenthost::testing::make_jwt;
using agenthost::testing::unix_time_in;
using agenthost::testing::user_token;
using namespace std::chrono_literals;

namespace {

constexpr const char* kAliceKey = "ak_alice_0123456789abcdef";
constexpr const char* kBobKey = "ak_bob_fedcba9876543210";

AuthOptions both_modes() {
  AuthOptions o;
  o.jwt_hs256_secret = std::string(kTestJwtSecret);
  o.api_keys = {{kAliceKey, "alice"}, {kBobKey, "bob"}};
  return o;
}

void require_refused(const agenthost::auth::AuthResult& r, AuthFailure failure,
                     const std::string& credential) {
  CHECK_FALSE(r.ok());
  CHECK(r.user_id.empty());
  CHECK(r.failure == failure);
  CHECK_FALSE(r.reason.empty());
  // The reason goes to the logs: never the credential itself.
  if (!credential.empty()) CHECK(r.reason.find(credential) == std::string::npos);
}

}  // namespace

TEST_CASE("a valid HS256 token authenticates its sub - by header or bare token") {
  Authenticator auth(both_modes());
  const auto token = user_token("user-42");
  CHECK(auth.authenticate_header("Bearer " + token).user_id == "user-42");
  CHECK(auth.authenticate_header("bearer " + token).user_id == "user-42");
  CHECK(auth.authenticate_header("  BEARER   " + token + " ").user_id == "user-42");
  CHECK(auth.authenticate_token(token).user_id == "user-42");
}

TEST_CASE("missing or malformed Authorization headers are refused") {
  Authenticator auth(both_modes());
  require_refused(auth.authenticate_header(""), AuthFailure::missing, "");
  require_refused(auth.authenticate_header("   "), AuthFailure::missing, "");
  require_refused(auth.authenticate_header("Bearer"), AuthFailure::malformed, "");
  require_refused(auth.authenticate_header("Bearer "), AuthFailure::malformed, "");
  require_refused(auth.authenticate_header(std::string("Basic ") + kAliceKey),
                  AuthFailure::malformed, kAliceKey);
  require_refused(auth.authenticate_header(std::string(kAliceKey)), AuthFailure::malformed,
                  kAliceKey);
  require_refused(auth.authenticate_token(""), AuthFailure::missing, "");
  require_refused(auth.authenticate_token("has space"), AuthFailure::malformed, "has space");
  require_refused(auth.authenticate_token(std::string(9000, 'a')), AuthFailure::malformed, "");
  require_refused(auth.authenticate_token("tab\there"), AuthFailure::malformed, "");
}

TEST_CASE("expired tokens and tokens not valid yet are refused") {
  Authenticator auth(both_modes());
  const auto expired = make_jwt({{"sub", "alice"}, {"exp", unix_time_in(-1h)}});
  require_refused(auth.authenticate_token(expired), AuthFailure::expired, expired);
  const auto future =
      make_jwt({{"sub", "alice"}, {"exp", unix_time_in(2h)}, {"nbf", unix_time_in(1h)}});
  require_refused(auth.authenticate_token(future), AuthFailure::expired, future);
  // Inside the 30 s leeway: accepted.
  const auto just_expired = make_jwt({{"sub", "alice"}, {"exp", unix_time_in(-5s)}});
  CHECK(auth.authenticate_token(just_expired).user_id == "alice");
  const auto no_exp = make_jwt({{"sub", "alice"}});
  require_refused(auth.authenticate_token(no_exp), AuthFailure::invalid, no_exp);
  const auto string_exp = make_jwt({{"sub", "alice"}, {"exp", "tomorrow"}});
  require_refused(auth.authenticate_token(string_exp), AuthFailure::invalid, string_exp);
}

TEST_CASE("alg none - other algorithms and other keys are refused") {
  Authenticator auth(both_modes());
  const boost::json::object claims{{"sub", "alice"}, {"exp", unix_time_in(1h)}};
  const auto none = make_jwt(claims, "", "none");
  require_refused(auth.authenticate_token(none), AuthFailure::invalid, none);
  // alg none with a signature attached (a forged token) is refused as well.
  require_refused(auth.authenticate_token(none + "c2lnbmF0dXJl"), AuthFailure::invalid, none);
  const auto hs384 = make_jwt(claims, kTestJwtSecret, "HS384");
  require_refused(auth.authenticate_token(hs384), AuthFailure::invalid, hs384);
  const auto hs512 = make_jwt(claims, kTestJwtSecret, "HS512");
  require_refused(auth.authenticate_token(hs512), AuthFailure::invalid, hs512);
  const auto other_key = make_jwt(claims, "another-secret-that-is-long-enough-0123456789abcdef");
  require_refused(auth.authenticate_token(other_key), AuthFailure::invalid, other_key);

  // A payload swapped under a valid signature: the signature no longer matches.
  const auto alice = make_jwt(claims);
  const auto bob = make_jwt({{"sub", "bob"}, {"exp", unix_time_in(1h)}});
  const auto first_dot = alice.find('.');
  const auto second_dot = alice.rfind('.');
  const auto bob_payload = bob.substr(bob.find('.') + 1, bob.rfind('.') - bob.find('.') - 1);
  const auto forged = alice.substr(0, first_dot + 1) + bob_payload + alice.substr(second_dot);
  require_refused(auth.authenticate_token(forged), AuthFailure::invalid, forged);
  require_refused(auth.authenticate_token("aaaa.bbbb.cccc"), AuthFailure::invalid, "");
}

TEST_CASE("a token's sub must be a present - valid - non-placeholder id") {
  Authenticator auth(both_modes());
  for (const boost::json::object& claims : {
           boost::json::object{{"exp", unix_time_in(1h)}},
           boost::json::object{{"sub", ""}, {"exp", unix_time_in(1h)}},
           boost::json::object{{"sub", "default"}, {"exp", unix_time_in(1h)}},
           boost::json::object{{"sub", "NULL"}, {"exp", unix_time_in(1h)}},
           boost::json::object{{"sub", "has space"}, {"exp", unix_time_in(1h)}},
           boost::json::object{{"sub", 42}, {"exp", unix_time_in(1h)}},
       }) {
    const auto token = make_jwt(claims);
    require_refused(auth.authenticate_token(token), AuthFailure::invalid, token);
  }
}

TEST_CASE("iss and aud are checked when configured") {
  auto options = both_modes();
  options.jwt_issuer = "https://issuer.example.org";
  options.jwt_audience = "agenthost";
  Authenticator auth(options);
  const auto exp = unix_time_in(1h);
  CHECK(auth.authenticate_token(make_jwt({{"sub", "alice"},
                                          {"exp", exp},
                                          {"iss", "https://issuer.example.org"},
                                          {"aud", "agenthost"}}))
            .ok());
  CHECK(auth.authenticate_token(make_jwt({{"sub", "alice"},
                                          {"exp", exp},
                                          {"iss", "https://issuer.example.org"},
                                          {"aud", boost::json::array{"other", "agenthost"}}}))
            .ok());
  CHECK_FALSE(
      auth.authenticate_token(make_jwt({{"sub", "alice"}, {"exp", exp}, {"aud", "agenthost"}}))
          .ok());
  CHECK_FALSE(auth.authenticate_token(make_jwt({{"sub", "alice"},
                                                {"exp", exp},
                                                {"iss", "https://evil.example.org"},
                                                {"aud", "agenthost"}}))
                  .ok());
  CHECK_FALSE(auth.authenticate_token(make_jwt({{"sub", "alice"},
                                                {"exp", exp},
                                                {"iss", "https://issuer.example.org"},
                                                {"aud", "someone-else"}}))
                  .ok());
}

TEST_CASE("static API keys map to their users - unknown keys are refused") {
  Authenticator auth(both_modes());
  CHECK(auth.authenticate_header(std::string("Bearer ") + kAliceKey).user_id == "alice");
  CHECK(auth.authenticate_token(kBobKey).user_id == "bob");
  const std::string almost = std::string(kAliceKey).substr(0, 24) + "X";
  require_refused(auth.authenticate_token(almost), AuthFailure::invalid, almost);
  const std::string prefix = std::string(kAliceKey).substr(0, 10);
  require_refused(auth.authenticate_token(prefix), AuthFailure::invalid, prefix);
  const std::string longer = std::string(kAliceKey) + "0";
  require_refused(auth.authenticate_token(longer), AuthFailure::invalid, longer);
}

TEST_CASE("each mode works alone - and nothing is accepted when neither is configured") {
  AuthOptions keys_only;
  keys_only.api_keys = {{kAliceKey, "alice"}};
  Authenticator keys(keys_only);
  CHECK(keys.enabled());
  CHECK(keys.authenticate_token(kAliceKey).user_id == "alice");
  require_refused(keys.authenticate_token(user_token("alice")), AuthFailure::invalid, "");

  AuthOptions jwt_only;
  jwt_only.jwt_hs256_secret = std::string(kTestJwtSecret);
  Authenticator jwt(jwt_only);
  CHECK(jwt.authenticate_token(user_token("alice")).user_id == "alice");
  require_refused(jwt.authenticate_token(kAliceKey), AuthFailure::invalid, kAliceKey);

  Authenticator nothing(AuthOptions{});
  CHECK_FALSE(nothing.enabled());
  CHECK_FALSE(nothing.authenticate_token(kAliceKey).ok());
  CHECK_FALSE(nothing.authenticate_token(user_token("alice")).ok());
}

TEST_CASE("weak secrets - short keys and invalid user ids are refused at configuration") {
  AuthOptions short_secret;
  short_secret.jwt_hs256_secret = "too-short";
  CHECK_THROWS_WITH(Authenticator(short_secret), Catch::Contains("at least 32"));

  AuthOptions short_key;
  short_key.api_keys = {{"short", "alice"}};
  CHECK_THROWS_WITH(Authenticator(short_key),
                    Catch::Contains("user \"alice\"") && !Catch::Contains("\"short\""));

  AuthOptions placeholder_user;
  placeholder_user.api_keys = {{kAliceKey, "default"}};
  CHECK_THROWS_WITH(Authenticator(placeholder_user), Catch::Contains("placeholder"));

  AuthOptions spaced_key;
  spaced_key.api_keys = {{"key with spaces 0123456789", "alice"}};
  CHECK_THROWS_WITH(Authenticator(spaced_key), Catch::Contains("spaces"));
}

TEST_CASE("reload swaps the options - a bad reload keeps the old ones") {
  Authenticator auth(both_modes());
  AuthOptions rotated;
  rotated.api_keys = {{"ak_carol_rotated_key_0001", "carol"}};
  auth.reload(rotated);
  CHECK(auth.authenticate_token("ak_carol_rotated_key_0001").user_id == "carol");
  CHECK_FALSE(auth.authenticate_token(kAliceKey).ok());
  CHECK_FALSE(auth.authenticate_token(user_token("alice")).ok());

  AuthOptions bad;
  bad.jwt_hs256_secret = "short";
  CHECK_THROWS(auth.reload(bad));
  CHECK(auth.authenticate_token("ak_carol_rotated_key_0001").user_id == "carol");
}

TEST_CASE("authentication runs concurrently with reloads") {
  Authenticator auth(both_modes());
  const auto token = user_token("alice");
  std::atomic<bool> stop{false};
  std::atomic<int> failures{0};
  std::vector<std::thread> readers;
  for (int t = 0; t < 4; ++t)
    readers.emplace_back([&] {
      while (!stop.load()) {
        // Every reload below keeps alice's key and the JWT secret, so each call must succeed.
        if (auth.authenticate_token(kAliceKey).user_id != "alice") ++failures;
        if (auth.authenticate_token(token).user_id != "alice") ++failures;
      }
    });
  for (int i = 0; i < 200; ++i) {
    auto o = both_modes();
    o.api_keys["ak_rotating_" + std::to_string(i) + "_0123456789"] = "user-" + std::to_string(i);
    auth.reload(o);
  }
  stop = true;
  for (auto& r : readers) r.join();
  CHECK(failures.load() == 0);
}
