#pragma once
/// \file
/// Parsing of an HTTP request target ("/v1/runs/abc/events?after=3") into decoded
/// path segments and query parameters. Pure functions over strings: no sockets, any
/// thread, fuzzable.

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace agenthost::server {

struct RequestTarget {
  /// The path split at '/', each segment percent-decoded ("%2F" stays inside its
  /// segment). "/v1/runs/x" -> {"v1", "runs", "x"}; "/" -> {}.
  std::vector<std::string> segments;
  /// Query parameters in order, names and values percent-decoded, '+' as space.
  std::vector<std::pair<std::string, std::string>> query;

  /// The value of the first parameter named `name`, or nullptr.
  const std::string* query_value(std::string_view name) const noexcept;
};

/// Parses an origin-form target. nullopt when it does not start with '/', contains
/// a bad escape, an empty segment ("/v1//runs") or is longer than 8 KiB; a
/// trailing '/' is kept as an empty last segment so "/v1/agents/" does not route.
std::optional<RequestTarget> parse_request_target(std::string_view target);

}  // namespace agenthost::server
