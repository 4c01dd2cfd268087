#pragma once
/// \file
/// issue_token: mints an HS256 JWT with the host's own secret, for operators
/// (`agenthostd --issue-token USER --config FILE`) and development set-ups. The
/// Authenticator accepts exactly what this produces.

#include <chrono>
#include <string>
#include <string_view>

#include "auth/auth_options.hpp"

namespace agenthost::auth {

/// A token whose `sub` is `user_id`, valid from now for `ttl`, with `iss`/`aud` when
/// the options require them. Throws std::invalid_argument when JWT authentication is
/// off (no secret) or `user_id` is not a valid id.
std::string issue_token(const AuthOptions& options, std::string_view user_id,
                        std::chrono::seconds ttl);

}  // namespace agenthost::auth
