#pragma once
/// \file
/// HttpClient: agentctl's blocking HTTP/1.1 client for the host's JSON API (Beast, one
/// connection per request, TCP_NODELAY, a deadline on every step). Not thread-safe;
/// agentctl is single-threaded.

#include <boost/json/value.hpp>

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "agentctl/host_url.hpp"

namespace agenthost::agentctl {

inline constexpr std::chrono::seconds kRequestTimeout{30};

struct HttpReply {
  unsigned status = 0;
  std::string body;
  std::string retry_after;  ///< the Retry-After header, or ""
};

/// `segment` percent-encoded for use as one path segment ("a/b" -> "a%2Fb").
std::string encode_path_segment(std::string_view segment);

class HttpClient {
 public:
  HttpClient(HostUrl url, std::optional<std::string> token,
             std::chrono::seconds timeout = kRequestTimeout);

  /// Sends `method path` (path below the URL's prefix, e.g. "/v1/agents") with a JSON
  /// body when `body` is not empty, and the bearer token. Throws CommandError
  /// (unreachable) when the host cannot be reached or does not answer in time.
  HttpReply send(std::string_view method, std::string_view path, std::string_view body = {}) const;

  /// send(), then the body of a 2xx as JSON. Throws CommandError(failed) for other
  /// statuses (describe_http_refusal) and for a body that is not JSON.
  boost::json::value call(std::string_view method, std::string_view path,
                          std::string_view body = {}) const;

  const HostUrl& url() const noexcept { return url_; }
  bool has_token() const noexcept { return token_.has_value(); }

 private:
  HostUrl url_;
  std::optional<std::string> token_;
  std::chrono::seconds timeout_;
};

}  // namespace agenthost::agentctl
