#include "schema/instance_limits.hpp"

#include <string>
#include <vector>

#include "schema/json_pointer.hpp"
#include "schema/schema_limits.hpp"

namespace agenthost::schema {
namespace {

class LimitWalk {
 public:
  explicit LimitWalk(bool bound_names) : bound_names_(bound_names) {}

  // Returns false at the first limit broken, with problem_ set. The pointer is built
  // only then (from `path`), so a fitting instance costs no string work.
  bool walk(const boost::json::value& v, std::size_t depth) {
    if (++values_ > kMaxInstanceValues)
      return fail("more than " + std::to_string(kMaxInstanceValues) + " JSON values");
    if (depth > kMaxInstanceDepth)
      return fail("nested deeper than " + std::to_string(kMaxInstanceDepth) + " levels");
    if (v.is_array()) {
      const auto& array = v.get_array();
      for (std::size_t i = 0; i < array.size(); ++i) {
        if (!walk(array[i], depth + 1)) return unwind(std::to_string(i));
      }
    } else if (v.is_object()) {
      for (const auto& member : v.get_object()) {
        if (bound_names_ && member.key().size() > kMaxPatternPropertyNameLength) {
          fail("a property name longer than " + std::to_string(kMaxPatternPropertyNameLength) +
               " characters, where the schema matches names against patternProperties");
          return unwind(std::string(member.key().substr(0, 40)));
        }
        if (!walk(member.value(), depth + 1)) return unwind(std::string(member.key()));
      }
    }
    return true;
  }

  ValidationError error() const {
    std::string pointer;
    for (auto it = path_.rbegin(); it != path_.rend(); ++it) pointer = append_pointer(pointer, *it);
    return {.instance_pointer = pointer, .keyword = "limit", .expected = problem_};
  }

 private:
  bool fail(std::string problem) {
    problem_ = "the host accepts no instance with " + std::move(problem);
    return false;
  }
  bool unwind(std::string token) {
    path_.push_back(std::move(token));
    return false;
  }

  bool bound_names_;
  std::size_t values_ = 0;
  std::string problem_;
  std::vector<std::string> path_;  // innermost first
};

}  // namespace

std::optional<ValidationError> instance_limit_problem(const boost::json::value& instance,
                                                      bool bound_names) {
  LimitWalk walk(bound_names);
  if (walk.walk(instance, 0)) return std::nullopt;
  return walk.error();
}

}  // namespace agenthost::schema
