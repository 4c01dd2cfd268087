#pragma once
/// \file
/// Turning the host's refusals into one line for the user: HTTP error responses
/// ({"error":{"code","message"}}) and WebSocket error frames ({"type":"error",...}).
/// Pure.

#include <boost/json/object.hpp>

#include <string>
#include <string_view>

namespace agenthost::agentctl {

/// A refused HTTP request. 401: "the host refused the token (401): MESSAGE" (or, with
/// no token: "the host requires a token (401): MESSAGE; pass --token or set
/// AGENTHOST_TOKEN"); otherwise "MESSAGE (STATUS CODE)", plus "retry in N s" for a
/// Retry-After; a body that is not an error object is quoted (cut to one line).
std::string describe_http_refusal(unsigned status, std::string_view body, bool token_given,
                                  std::string_view retry_after = {});

/// A WebSocket error frame: "MESSAGE (CODE)".
std::string describe_error_frame(const boost::json::object& frame);

}  // namespace agenthost::agentctl
