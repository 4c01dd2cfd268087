#pragma once
/// \file
/// AuthOptions: how clients prove who they are. Filled from the `auth` section of
/// the configuration (secrets through ${VAR}); both modes may be on at once.

#include <chrono>
#include <map>
#include <string>

namespace agenthost::auth {

/// Shortest accepted HS256 secret: RFC 7518 section 3.2 asks for a key at least as
/// long as the hash output (256 bits).
inline constexpr std::size_t kMinJwtSecretBytes = 32;
/// Shortest accepted static API key; shorter ones are guessable.
inline constexpr std::size_t kMinApiKeyBytes = 16;

struct AuthOptions {
  /// Key for JWT HS256 bearer tokens; empty turns JWT authentication off. At least
  /// kMinJwtSecretBytes bytes.
  std::string jwt_hs256_secret;
  /// When not empty, a token's `iss` must equal it.
  std::string jwt_issuer;
  /// When not empty, a token's `aud` (a string or an array of strings) must contain it.
  std::string jwt_audience;
  /// Clock difference tolerated when checking `exp` and `nbf`.
  std::chrono::seconds jwt_leeway{30};
  /// Static API keys: key -> user id. Each key at least kMinApiKeyBytes bytes, each
  /// user id a valid id (agenthost::id_problem).
  std::map<std::string, std::string> api_keys;
};

}  // namespace agenthost::auth
