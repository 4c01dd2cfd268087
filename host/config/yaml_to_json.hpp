#pragma once

#include <boost/json/value.hpp>

#include <optional>
#include <string_view>

#include "config/load_context.hpp"

namespace agenthost::config {

/// Converts any YAML value (a plugin's own settings) to JSON, expanding ${VAR} in scalars.
/// Plain scalars become what they look like: true/false (any case of those words) -> bool,
/// null/~/empty -> null, decimal integers -> int64 (uint64 when larger, double beyond that),
/// decimal numbers with '.' or an exponent -> double; anything else, and every quoted or
/// explicitly tagged scalar, stays a string. Mapping keys must be plain text and unique.
/// Reports every problem into `ctx` and returns nullopt if there was any.
std::optional<boost::json::value> yaml_to_json(const ValueRef& value, LoadContext& ctx);

/// The JSON value a plain (unquoted) scalar stands for, by the rules above.
boost::json::value plain_scalar_to_json(std::string_view text);

}  // namespace agenthost::config
