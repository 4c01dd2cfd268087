#include "auth/token_issuer.hpp"

#include <jwt.h>

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include <cstdlib>
#include <memory>
#include <stdexcept>

#include "agenthost/id_rules.hpp"

namespace agenthost::auth {

std::string issue_token(const AuthOptions& options, std::string_view user_id,
                        std::chrono::seconds ttl) {
  if (options.jwt_hs256_secret.empty())
    throw std::invalid_argument(
        "JWT authentication is off (auth.jwt.hs256_secret is empty): set it to issue tokens");
  if (auto problem = id_problem(user_id); !problem.empty())
    throw std::invalid_argument("user id '" + std::string(user_id) + "' " + problem);
  const auto now = std::chrono::duration_cast<std::chrono::seconds>(
                       std::chrono::system_clock::now().time_since_epoch())
                       .count();
  boost::json::object claims{{"sub", user_id}, {"iat", now}, {"exp", now + ttl.count()}};
  if (!options.jwt_issuer.empty()) claims["iss"] = options.jwt_issuer;
  if (!options.jwt_audience.empty()) claims["aud"] = options.jwt_audience;

  jwt_t* raw = nullptr;
  if (jwt_new(&raw) != 0) throw std::runtime_error("libjwt: jwt_new failed");
  std::unique_ptr<jwt_t, decltype(&jwt_free)> jwt(raw, &jwt_free);
  if (jwt_add_grants_json(jwt.get(), boost::json::serialize(claims).c_str()) != 0)
    throw std::runtime_error("libjwt: cannot add the token's claims");
  const auto& key = options.jwt_hs256_secret;
  if (jwt_set_alg(jwt.get(), JWT_ALG_HS256, reinterpret_cast<const unsigned char*>(key.data()),
                  static_cast<int>(key.size())) != 0)
    throw std::runtime_error("libjwt: cannot set HS256");
  char* encoded = jwt_encode_str(jwt.get());
  if (encoded == nullptr) throw std::runtime_error("libjwt: cannot encode the token");
  std::string token(encoded);
  std::free(encoded);
  return token;
}

}  // namespace agenthost::auth
