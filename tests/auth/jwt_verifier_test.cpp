#include <catch2/catch.hpp>

#include "auth/api_key_table.hpp"
#include "auth/jwt_test_tokens.hpp"
#include "auth/jwt_verifier.hpp"

using agenthost::auth::AuthFailure;
using agenthost::auth::constant_time_equals;
using agenthost::auth::JwtSettings;
using agenthost::auth::looks_like_jwt;
using agenthost::auth::verify_hs256_jwt;
using agenthost::testing::kTestJwtSecret;
using agenthost::testing::make_jwt;

namespace {

std::chrono::system_clock::time_point at(long unix_seconds) {
  return std::chrono::system_clock::time_point(std::chrono::seconds(unix_seconds));
}

}  // namespace

TEST_CASE("exp and nbf are checked against the given time with the leeway") {
  const JwtSettings settings{std::string(kTestJwtSecret), "", "", std::chrono::seconds(10)};
  const auto token = make_jwt({{"sub", "alice"}, {"exp", 1000}, {"nbf", 500}});
  CHECK(verify_hs256_jwt(token, settings, at(700)).user_id == "alice");
  CHECK(verify_hs256_jwt(token, settings, at(1009)).ok());
  CHECK(verify_hs256_jwt(token, settings, at(1010)).failure == AuthFailure::expired);
  CHECK_FALSE(verify_hs256_jwt(token, settings, at(1010)).ok());
  CHECK(verify_hs256_jwt(token, settings, at(490)).ok());
  CHECK(verify_hs256_jwt(token, settings, at(489)).failure == AuthFailure::expired);
  // Fractional NumericDates are numbers too.
  const auto fractional = make_jwt({{"sub", "alice"}, {"exp", 1000.5}});
  CHECK(verify_hs256_jwt(fractional, settings, at(1000)).ok());
}

TEST_CASE("looks_like_jwt recognises three base64url segments") {
  CHECK(looks_like_jwt("abc.def.ghi"));
  CHECK(looks_like_jwt("abc.def."));  // alg none: empty signature
  CHECK_FALSE(looks_like_jwt("abc.def"));
  CHECK_FALSE(looks_like_jwt(".def.ghi"));
  CHECK_FALSE(looks_like_jwt("abc..ghi"));
  CHECK_FALSE(looks_like_jwt("a.b.c.d"));
  CHECK_FALSE(looks_like_jwt("ab+c.def.ghi"));
  CHECK_FALSE(looks_like_jwt(""));
}

TEST_CASE("garbage shaped like a JWT is refused without crashing") {
  const JwtSettings settings{std::string(kTestJwtSecret), "", "", std::chrono::seconds(0)};
  for (const char* token : {"a.b.c", "e30.e30.e30", "eyJhbGciOiJIUzI1NiJ9.bm90IGpzb24.abc",
                            "eyJhbGciOjQyfQ.e30.abc", "bm90IGpzb24.e30.abc"}) {
    INFO(token);
    const auto r = verify_hs256_jwt(token, settings, std::chrono::system_clock::now());
    CHECK_FALSE(r.ok());
    CHECK(r.failure == AuthFailure::invalid);
  }
}

TEST_CASE("constant_time_equals compares whole strings") {
  CHECK(constant_time_equals("abcdef", "abcdef"));
  CHECK_FALSE(constant_time_equals("abcdef", "abcdeg"));
  CHECK_FALSE(constant_time_equals("abc", "abcdef"));
  CHECK_FALSE(constant_time_equals("abcdef", "abc"));
  CHECK_FALSE(constant_time_equals("abcabc", "abc"));  // b repeated must not match
  CHECK_FALSE(constant_time_equals("", "abc"));
  CHECK_FALSE(constant_time_equals("abc", ""));
  CHECK(constant_time_equals("", ""));
}
