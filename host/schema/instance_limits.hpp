#pragma once
/// \file
/// The limits an instance must keep before the validator walks it (schema_limits.hpp).

#include <boost/json/value.hpp>

#include <optional>

#include "schema/compiled_schema.hpp"

namespace agenthost::schema {

/// The first limit `instance` breaks, as an error with keyword "limit", or nothing.
/// `bound_names`: also bound property names (the schema has patternProperties).
std::optional<ValidationError> instance_limit_problem(const boost::json::value& instance,
                                                      bool bound_names);

}  // namespace agenthost::schema
