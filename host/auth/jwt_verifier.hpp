#pragma once
/// \file
/// Verification of HS256 JSON Web Tokens (libjwt for the signature, our own checks
/// for the algorithm and the claims). Internal to the auth component.

#include <chrono>
#include <string>
#include <string_view>

#include "auth/authenticator.hpp"

namespace agenthost::auth {

struct JwtSettings {
  std::string secret;
  std::string issuer;    ///< empty: not checked
  std::string audience;  ///< empty: not checked
  std::chrono::seconds leeway{30};
};

/// True when `token` has the shape of a compact JWS: three non-empty base64url
/// segments separated by dots (the signature may be empty only for alg none, which
/// is refused later anyway).
bool looks_like_jwt(std::string_view token) noexcept;

/// Verifies `token` at time `now`: the signature with settings.secret, the header's
/// alg exactly HS256 (none, HS384, RS256, ... refused), exp present and not past
/// (with leeway), nbf (when present) not in the future, iss and aud when configured,
/// and sub a valid, non-placeholder user id. Returns the user id (sub) or why not.
AuthResult verify_hs256_jwt(std::string_view token, const JwtSettings& settings,
                            std::chrono::system_clock::time_point now);

}  // namespace agenthost::auth
