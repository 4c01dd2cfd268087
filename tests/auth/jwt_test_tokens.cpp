#include "auth/jwt_test_tokens.hpp"

#include <jwt.h>

#include <boost/json/serialize.hpp>

#include <cstdlib>
#include <memory>
#include <stdexcept>

namespace agenthost::testing {

long unix_time_in(std::chrono::seconds offset) {
  return static_cast<long>(std::chrono::duration_cast<std::chrono::seconds>(
                               (std::chrono::system_clock::now() + offset).time_since_epoch())
                               .count());
}

std::string make_jwt(const boost::json::object& claims, std::string_view secret,
                     std::string_view alg) {
  jwt_t* raw = nullptr;
  if (jwt_new(&raw) != 0) throw std::runtime_error("jwt_new failed");
  std::unique_ptr<jwt_t, decltype(&jwt_free)> jwt(raw, &jwt_free);
  if (jwt_add_grants_json(jwt.get(), boost::json::serialize(claims).c_str()) != 0)
    throw std::runtime_error("jwt_add_grants_json failed");
  const std::string alg_name(alg);
  const jwt_alg_t a = jwt_str_alg(alg_name.c_str());
  const std::string key(secret);
  const int rc = a == JWT_ALG_NONE
                     ? jwt_set_alg(jwt.get(), a, nullptr, 0)
                     : jwt_set_alg(jwt.get(), a, reinterpret_cast<const unsigned char*>(key.data()),
                                   static_cast<int>(key.size()));
  if (rc != 0) throw std::runtime_error("jwt_set_alg failed for " + alg_name);
  char* encoded = jwt_encode_str(jwt.get());
  if (!encoded) throw std::runtime_error("jwt_encode_str failed");
  std::string out(encoded);
  std::free(encoded);
  return out;
}

std::string user_token(std::string_view user_id, std::string_view secret) {
  return make_jwt({{"sub", user_id}, {"exp", unix_time_in(std::chrono::hours(1))}}, secret);
}

}  // namespace agenthost::testing
