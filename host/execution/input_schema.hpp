#pragma once
/// \file
/// The JSON Schema subset tools declare for their input (ToolInfo::input_schema).

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <string>

namespace agenthost::execution {

/// Checks `value` against `schema` and returns "" when it fits, else the first
/// mismatch with its path, for example `input.city: expected string, got number` or
/// `input: missing required property "city"`. Enforced keywords: "type" (object,
/// string, number, integer, boolean, array, null, or a list of them), "properties"
/// (applied recursively), "required", "additionalProperties": false, and "items" (one
/// schema for every element). Other keywords ("description", "enum", "format", ...)
/// are accepted and not enforced. An empty schema accepts everything. Pure function.
std::string input_schema_mismatch(const boost::json::object& schema,
                                  const boost::json::value& value,
                                  const std::string& path = "input");

}  // namespace agenthost::execution
