#pragma once
/// \file
/// The host's address as given by --url or AGENTHOST_URL: "http://HOST[:PORT][/PREFIX]".
/// Pure.

#include <cstdint>
#include <string>
#include <string_view>

namespace agenthost::agentctl {

inline constexpr std::string_view kDefaultHostUrl = "http://127.0.0.1:8080";

struct HostUrl {
  std::string host;  ///< name or address; an IPv6 literal without its brackets
  std::uint16_t port = 80;
  std::string base_path;  ///< "" or "/prefix" (no trailing '/'): put before every API path
  std::string text;       ///< "http://host:port/prefix", for messages

  /// The Host header: "host:port", "[::1]:port" for IPv6.
  std::string host_header() const;
  /// base_path + path ("/v1/agents" -> "/prefix/v1/agents").
  std::string target(std::string_view path) const;
};

/// Parses `text` ("http://h", "http://h:8080/p", "h:8080"; no scheme means http).
/// Throws CommandError(usage) naming what is wrong (https, user info, bad port,
/// query or fragment, empty host).
HostUrl parse_host_url(std::string_view text);

}  // namespace agenthost::agentctl
