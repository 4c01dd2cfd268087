#pragma once
/// \file
/// The `pattern` keyword on RE2 instead of valijson's std::regex: RE2 matches in
/// linear time without recursion, so no pattern and no string can exhaust the stack
/// (std::regex overflows an 8 MiB stack on a 100,000-character string) or the clock.
/// Registered with valijson's parser for kRe2PatternKeyword (schema_check.hpp).

#include <valijson/constraint_builder.hpp>

#include <string_view>

namespace agenthost::schema {

/// The start of the error text the constraint reports; the pattern follows it.
inline constexpr std::string_view kPatternMismatch = "does not match the pattern ";

class Re2PatternBuilder final : public valijson::ConstraintBuilder {
 public:
  /// `value` is the pattern, already accepted by pattern_problem().
  valijson::constraints::Constraint* make(const valijson::adapters::Adapter& value) const override;
};

}  // namespace agenthost::schema
