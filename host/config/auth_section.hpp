#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "config/duration.hpp"
#include "config/schema.hpp"

namespace agenthost::config {

/// auth.jwt: HS256 bearer tokens whose `sub` is the user id.
struct JwtSettings {
  std::string hs256_secret;  ///< empty: JWT authentication off; keep it in ${VAR}
  std::string issuer;        ///< when set, a token's `iss` must equal it
  std::string audience;      ///< when set, a token's `aud` must contain it
  Duration leeway{std::chrono::seconds(30)};
};

/// One static API key of auth.api_keys.
struct ApiKeySettings {
  std::string user;
  std::string key;
  std::string where;  ///< "file:line:col (auth.api_keys[i])", for later errors
};

/// Section `auth`: how clients prove who they are. Both modes may be on at once.
struct AuthSettings {
  JwtSettings jwt;
  std::vector<ApiKeySettings> api_keys;
};

/// Keys of section `auth`.
const ObjectSchema<AuthSettings>& auth_schema();

}  // namespace agenthost::config
