#pragma once
/// \file
/// Limits against hostile schemas and instances. Schemas come from plugins and
/// instances from models and users; every limit bounds the time, memory or stack a
/// single compile() or validate() may use (documented in docs/plugin-guide.md).

#include <cstddef>

namespace agenthost::schema {

/// Nesting of JSON values in a schema (subschemas, enum values, ...).
inline constexpr std::size_t kMaxSchemaDepth = 32;
/// JSON values in a schema, counting every member and element.
inline constexpr std::size_t kMaxSchemaValues = 10'000;
/// Characters in one regular expression (`pattern`, a `patternProperties` name).
inline constexpr std::size_t kMaxPatternLength = 512;
/// RE2's memory budget for one compiled `pattern`.
inline constexpr long long kMaxPatternMemory = 1 << 20;

/// Nesting of an instance: the validator recurses once per level.
inline constexpr std::size_t kMaxInstanceDepth = 64;
/// JSON values in an instance; bounds the quadratic `uniqueItems` check too.
inline constexpr std::size_t kMaxInstanceValues = 10'000;
/// Characters of a property name matched against `patternProperties` (those run on
/// std::regex, whose backtracking recurses once per character).
inline constexpr std::size_t kMaxPatternPropertyNameLength = 256;

}  // namespace agenthost::schema
