#pragma once
/// \file
/// Which regular expressions a schema may hold. `pattern` is matched with RE2
/// (linear time, no recursion: any pattern RE2 compiles is safe on any string).
/// `patternProperties` names are matched by valijson with std::regex, a
/// backtracking engine, so they must also avoid the shapes that backtrack
/// exponentially; the names they are matched against are bounded in length
/// (kMaxPatternPropertyNameLength).

#include <string>
#include <string_view>

namespace agenthost::schema {

/// "" when `pattern` is acceptable for the `pattern` keyword, else why not.
std::string pattern_problem(std::string_view pattern);

/// "" when `pattern` is acceptable as a `patternProperties` name, else why not:
/// what pattern_problem() refuses, plus a quantified group that itself holds a
/// quantifier or an alternation (`(a+)+`, `(a|ab)*`), or anything std::regex
/// (ECMAScript) cannot compile.
std::string property_pattern_problem(std::string_view pattern);

}  // namespace agenthost::schema
