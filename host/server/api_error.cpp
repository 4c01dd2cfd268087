#include "server/api_error.hpp"

#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

namespace agenthost::server {

ApiError make_error(unsigned status, std::string_view code, std::string message) {
  return ApiError{status, std::string(code), std::move(message), std::nullopt};
}

std::string error_body(std::string_view code, std::string_view message) {
  return boost::json::serialize(
      boost::json::value{{"error", {{"code", code}, {"message", message}}}});
}

}  // namespace agenthost::server
