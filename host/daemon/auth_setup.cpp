#include "daemon/auth_setup.hpp"

#include <stdexcept>

namespace agenthost::daemon {

auth::AuthOptions auth_options(const config::AuthSettings& a) {
  auth::AuthOptions o;
  o.jwt_hs256_secret = a.jwt.hs256_secret;
  o.jwt_issuer = a.jwt.issuer;
  o.jwt_audience = a.jwt.audience;
  o.jwt_leeway = std::chrono::duration_cast<std::chrono::seconds>(a.jwt.leeway);
  for (const auto& k : a.api_keys) {
    if (!o.api_keys.emplace(k.key, k.user).second)
      throw std::invalid_argument(k.where + ": this API key is listed twice");
  }
  return o;
}

}  // namespace agenthost::daemon
