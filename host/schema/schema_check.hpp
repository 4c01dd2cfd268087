#pragma once
/// \file
/// The structural check of a draft-7 schema, before valijson compiles it: every
/// keyword known and of the right kind, every `$ref` local and resolvable, no `$ref`
/// cycle that never descends into the instance (it would recurse forever), regular
/// expressions acceptable (regex_rules.hpp), and the size limits. valijson's own
/// parser accepts some malformed schemas silently and names no location in others;
/// this check names the keyword and the schema pointer at fault.

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

namespace agenthost::schema {

/// What `pattern`, `type` and `enum` are renamed to in the schema handed to valijson,
/// so that the host's constraints (re2_pattern_constraint.hpp, listing_constraints.hpp)
/// check them instead of valijson's own: RE2 rather than std::regex, and errors that
/// list what is allowed. A user schema cannot contain these names (they are not
/// draft-7 keywords and do not start with "x-").
inline constexpr const char* kRe2PatternKeyword = "$agenthost.re2_pattern";
inline constexpr const char* kTypeKeyword = "$agenthost.type";
inline constexpr const char* kEnumKeyword = "$agenthost.enum";

struct CheckedSchema {
  /// The schema to compile: the source with `pattern`, `type` and `enum` renamed.
  boost::json::value for_valijson;
  /// Whether any subschema has `patternProperties` (then property names are bounded).
  bool uses_pattern_properties = false;
};

/// Throws SchemaError (compiled_schema.hpp) naming the keyword and pointer at fault.
CheckedSchema check_schema(const boost::json::object& schema);

}  // namespace agenthost::schema
