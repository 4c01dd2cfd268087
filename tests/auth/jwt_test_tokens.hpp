#pragma once
/// \file
/// Mints JSON Web Tokens for tests (libjwt), including the bad ones a server must
/// refuse: alg none, another algorithm, another key.

#include <boost/json/object.hpp>

#include <chrono>
#include <string>
#include <string_view>

namespace agenthost::testing {

/// A 48-byte secret, long enough for HS256.
inline constexpr std::string_view kTestJwtSecret =
    "test-secret-0123456789-abcdefghij-0123456789-xyz";

/// Seconds since the epoch, `offset` from now.
long unix_time_in(std::chrono::seconds offset);

/// A token for `claims` signed with `secret` using `alg` ("HS256", "HS384", "HS512"
/// or "none", which leaves the signature empty).
std::string make_jwt(const boost::json::object& claims, std::string_view secret = kTestJwtSecret,
                     std::string_view alg = "HS256");

/// A valid HS256 token for `user_id`, expiring in an hour.
std::string user_token(std::string_view user_id, std::string_view secret = kTestJwtSecret);

}  // namespace agenthost::testing
