#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "config/load_context.hpp"

namespace agenthost::config {

/// Result of expanding one scalar: the text, or the reasons it could not be expanded.
struct ExpandedText {
  std::string text;
  std::vector<std::string> errors;  ///< empty on success
};

/// Expands environment references in one scalar, so secrets stay out of the file:
///   ${NAME}            the variable's value; an unset variable is an error
///   ${NAME:-default}   the value, or `default` (taken literally) when unset or empty
///   $$                 a literal '$'
/// NAME is [A-Za-z_][A-Za-z0-9_]*. Any other '$' is an error, so that a mistyped `$NAME`
/// is refused instead of reaching the host verbatim.
ExpandedText expand_environment(std::string_view text, const EnvLookup& env);

}  // namespace agenthost::config
