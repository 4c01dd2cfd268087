#pragma once
/// \file
/// RunFields: what a client sends to start a run, read from the POST /v1/runs body
/// or from a start_run frame by the same rules. Pure: any thread, fuzzable.

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "execution/engine_types.hpp"
#include "server/api_error.hpp"

namespace agenthost::server {

/// Longest agent name accepted before asking the registry.
inline constexpr std::size_t kMaxAgentNameLength = 128;

struct RunFields {
  std::string agent;                     ///< required, non-empty
  std::optional<std::string> thread_id;  ///< a valid id when present
  boost::json::value input;              ///< required; any JSON value
  /// "reject" | "enqueue" | "interrupt"; absent: the engine's default (enqueue).
  std::optional<execution::MultitaskStrategy> strategy;
  boost::json::object metadata;  ///< optional object
};

class JsonFields;

/// Reads the run fields of an object already known to be one (unknown members are
/// the caller's business). Returns the first problem, naming the field.
std::optional<ApiError> read_run_fields(const JsonFields& fields, RunFields& out);

/// Parses a POST /v1/runs body: a JSON object with exactly the run fields.
std::variant<RunFields, ApiError> parse_run_body(std::string_view body);

/// Parses `text` as JSON (json::parse: numbers correctly rounded, none beyond the
/// range of a double) with the server's limits (depth 64). An ApiError with code
/// invalid_json when it is not JSON or not an object; `what` names it in the message.
std::variant<boost::json::object, ApiError> parse_json_object(std::string_view text,
                                                              std::string_view what);

}  // namespace agenthost::server
