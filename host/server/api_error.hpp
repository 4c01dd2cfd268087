#pragma once
/// \file
/// ApiError: a refusal as the HTTP API and the WebSocket protocol report it (HTTP
/// status, stable machine-readable code, human message), and the codes themselves.
/// docs/protocol.md lists every code.

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace agenthost::server {

namespace error_code {
// Malformed input (400 / error frame; the connection stays open).
inline constexpr std::string_view invalid_json = "invalid_json";
inline constexpr std::string_view missing_field = "missing_field";
inline constexpr std::string_view invalid_field = "invalid_field";
inline constexpr std::string_view unknown_field = "unknown_field";
inline constexpr std::string_view unknown_type = "unknown_type";
inline constexpr std::string_view bad_request = "bad_request";
// Who and what.
inline constexpr std::string_view unauthorized = "unauthorized";              // 401
inline constexpr std::string_view not_found = "not_found";                    // 404
inline constexpr std::string_view unknown_agent = "unknown_agent";            // 404
inline constexpr std::string_view method_not_allowed = "method_not_allowed";  // 405
inline constexpr std::string_view thread_busy = "thread_busy";                // 409
inline constexpr std::string_view not_waiting = "not_waiting";                // 409
inline constexpr std::string_view payload_too_large = "payload_too_large";    // 413
inline constexpr std::string_view upgrade_required = "upgrade_required";      // 426
// Limits.
inline constexpr std::string_view queue_full = "queue_full";                      // 429
inline constexpr std::string_view rate_limited = "rate_limited";                  // 429
inline constexpr std::string_view too_many_connections = "too_many_connections";  // 429
inline constexpr std::string_view too_many_subscriptions = "too_many_subscriptions";
inline constexpr std::string_view budget_exceeded = "budget_exceeded";  // 429
// The host.
inline constexpr std::string_view not_ready = "not_ready";                      // 503
inline constexpr std::string_view shutting_down = "shutting_down";              // 503
inline constexpr std::string_view agent_unavailable = "agent_unavailable";      // 503
inline constexpr std::string_view storage_unavailable = "storage_unavailable";  // 503
inline constexpr std::string_view internal = "internal";                        // 500
}  // namespace error_code

struct ApiError {
  unsigned status = 500;
  std::string code;
  std::string message;
  /// For 429 and 503: when to try again (the Retry-After header, in seconds).
  std::optional<std::chrono::seconds> retry_after;
};

ApiError make_error(unsigned status, std::string_view code, std::string message);

/// {"error":{"code":...,"message":...}}
std::string error_body(std::string_view code, std::string_view message);

}  // namespace agenthost::server
