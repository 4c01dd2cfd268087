#include "schema/regex_rules.hpp"

#include <re2/re2.h>

#include <regex>
#include <vector>

#include "schema/schema_limits.hpp"

namespace agenthost::schema {
namespace {

bool is_quantifier(char c) { return c == '*' || c == '+' || c == '{'; }

// Finds a group closed by ")" and followed by a repeating quantifier whose body
// repeats or alternates: the shapes that make a backtracking engine exponential.
bool has_nested_quantifier(std::string_view pattern) {
  struct Group {
    bool repeats_inside = false;
  };
  std::vector<Group> open;
  bool in_class = false;
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    const char c = pattern[i];
    if (c == '\\') {
      ++i;
      continue;
    }
    if (in_class) {
      in_class = c != ']';
      continue;
    }
    if (c == '[') {
      in_class = true;
    } else if (c == '(') {
      open.push_back({});
    } else if (c == ')') {
      if (open.empty()) continue;  // std::regex and RE2 refuse it anyway
      const bool inner = open.back().repeats_inside;
      open.pop_back();
      const bool quantified = i + 1 < pattern.size() && is_quantifier(pattern[i + 1]);
      if (quantified && inner) return true;
      if (!open.empty() && (inner || quantified)) open.back().repeats_inside = true;
    } else if ((is_quantifier(c) || c == '|') && !open.empty()) {
      open.back().repeats_inside = true;
    }
  }
  return false;
}

}  // namespace

std::string pattern_problem(std::string_view pattern) {
  if (pattern.size() > kMaxPatternLength)
    return "a regular expression of " + std::to_string(pattern.size()) + " characters; at most " +
           std::to_string(kMaxPatternLength) + " are allowed";
  RE2::Options options;
  options.set_log_errors(false);
  options.set_max_mem(kMaxPatternMemory);
  const RE2 re(re2::StringPiece(pattern.data(), pattern.size()), options);
  if (!re.ok())
    return "not a regular expression the host accepts (RE2 syntax: no backreferences or "
           "lookaround): " +
           re.error();
  return {};
}

std::string property_pattern_problem(std::string_view pattern) {
  if (auto problem = pattern_problem(pattern); !problem.empty()) return problem;
  if (has_nested_quantifier(pattern))
    return "a repeated group that itself repeats or alternates (like (a+)+ or (a|b)*) "
           "backtracks exponentially; rewrite it without the nesting";
  try {
    const std::regex re{std::string(pattern)};
  } catch (const std::regex_error& e) {
    return std::string("not a regular expression std::regex (ECMAScript) compiles: ") + e.what();
  }
  return {};
}

}  // namespace agenthost::schema
