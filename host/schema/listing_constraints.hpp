#pragma once
/// \file
/// `type` and `enum` with errors that say what was expected. valijson's own versions
/// report only "not permitted" / "no enum value matched"; these list the allowed types
/// or values (cut at a few dozen characters), which is what a user or a model needs
/// to correct the value. Same semantics as valijson's (strict types; `integer` is a
/// number held as an integer, so 1.0 is not one). Registered with valijson's parser
/// for kTypeKeyword and kEnumKeyword (schema_check.hpp).

#include <valijson/constraint_builder.hpp>

#include <string_view>

namespace agenthost::schema {

/// The start of each constraint's error text; the allowed types or values follow.
inline constexpr std::string_view kTypeMismatch = "expected type ";
inline constexpr std::string_view kEnumMismatch = "expected one of ";

class TypeBuilder final : public valijson::ConstraintBuilder {
 public:
  /// `value` is a type name or an array of them, already checked by check_schema().
  valijson::constraints::Constraint* make(const valijson::adapters::Adapter& value) const override;
};

class EnumBuilder final : public valijson::ConstraintBuilder {
 public:
  /// `value` is a non-empty array, already checked by check_schema().
  valijson::constraints::Constraint* make(const valijson::adapters::Adapter& value) const override;
};

}  // namespace agenthost::schema
