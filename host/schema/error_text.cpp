#include "schema/error_text.hpp"

#include <boost/json/serialize.hpp>

#include <array>
#include <optional>
#include <string_view>

#include "schema/json_pointer.hpp"
#include "schema/listing_constraints.hpp"
#include "schema/re2_pattern_constraint.hpp"

namespace agenthost::schema {
namespace {

constexpr std::size_t kQuotedValueLength = 40;

// valijson's error texts, matched by a fragment, and the keyword each comes from.
// The order matters where one fragment contains another.
struct KnownError {
  std::string_view fragment;
  std::string_view keyword;
};
constexpr std::array kKnownErrors{
    KnownError{kPatternMismatch, "pattern"},
    KnownError{kEnumMismatch, "enum"},  // before type: an enum value may read "expected type"
    KnownError{kTypeMismatch, "type"},
    KnownError{"anyOf", "anyOf"},
    KnownError{"oneOf", "oneOf"},
    KnownError{"exactly one child schema", "oneOf"},
    KnownError{"if-then-else", "if"},
    KnownError{"'not'", "not"},
    KnownError{"'const'", "const"},
    KnownError{"'contains'", "contains"},
    KnownError{"enum values", "enum"},
    KnownError{"String should be a valid", "format"},
    KnownError{"additional items", "additionalItems"},
    KnownError{"'additionalItems'", "additionalItems"},
    KnownError{"more items than allowed", "items"},
    KnownError{"less than or equal", "maximum"},
    KnownError{"less than", "exclusiveMaximum"},
    KnownError{"greater than or equal", "minimum"},
    KnownError{"greater than", "exclusiveMinimum"},
    KnownError{"no more than", "max"},
    KnownError{"no fewer than", "min"},
    KnownError{"multiple of", "multipleOf"},
    KnownError{"associated with pattern", "patternProperties"},
    KnownError{"additionalProperties", "additionalProperties"},
    KnownError{"additional properties", "additionalProperties"},
    KnownError{"'type'", "type"},
    KnownError{"uniqueness", "uniqueItems"},
    KnownError{"required property", "required"},
    KnownError{"dependency", "dependencies"},
    KnownError{"dependent schema", "dependencies"},
    KnownError{"associated with property name", "properties"},
    KnownError{"item #", "items"},
    KnownError{"child schema #", "allOf"},
};

std::string keyword_of(const std::string& description) {
  for (const auto& known : kKnownErrors) {
    if (description.find(known.fragment) == std::string::npos) continue;
    std::string keyword(known.keyword);
    // min/max: which of Length, Items, Properties the text speaks of.
    if (keyword == "max" || keyword == "min") {
      if (description.find("characters") != std::string::npos) return keyword + "Length";
      if (description.find("elements") != std::string::npos) return keyword + "Items";
      return keyword + "Properties";
    }
    return keyword;
  }
  return "schema";
}

bool is_combinator(const std::string& keyword) {
  return keyword == "anyOf" || keyword == "oneOf" || keyword == "if" || keyword == "not";
}

// Whether `inner` is `outer` or lies below it ("/a/b" is below "/a", "/ab" is not).
bool encloses(const std::string& outer, const std::string& inner) {
  return inner == outer || (inner.starts_with(outer) && inner[outer.size()] == '/');
}

std::string pointer_of(const std::vector<std::string>& context) {
  std::string pointer;
  for (std::size_t i = 1; i < context.size(); ++i) {  // [0] is "<root>"
    std::string_view token = context[i];
    if (token.size() >= 2 && token.front() == '[' && token.back() == ']')
      token = token.substr(1, token.size() - 2);
    pointer = append_pointer(pointer, token);
  }
  return pointer;
}

// "got ..." for the value at `pointer`: its type and, for a scalar, the value.
std::string found_at(const boost::json::value& instance, const std::string& pointer) {
  boost::system::error_code ec;
  const boost::json::value* found = instance.find_pointer(pointer, ec);
  if (!found) return {};
  switch (found->kind()) {
    case boost::json::kind::object:
      return "got an object";
    case boost::json::kind::array:
      return "got an array";
    default:
      return "got " + truncated(boost::json::serialize(*found), kQuotedValueLength);
  }
}

std::string sentence(std::string description) {
  // valijson ends its texts with one '.'; a listing cut short ends with "...".
  if (description.ends_with('.') && !description.ends_with("...")) description.pop_back();
  if (!description.empty() && description.front() >= 'A' && description.front() <= 'Z')
    description.front() = static_cast<char>(description.front() - 'A' + 'a');
  return description;
}

ValidationError one_error(const RawError& raw, const boost::json::value& instance) {
  ValidationError out{.instance_pointer = pointer_of(raw.context),
                      .keyword = keyword_of(raw.description),
                      .expected = sentence(raw.description)};
  if (auto found = found_at(instance, out.instance_pointer); !found.empty())
    out.expected += "; " + found;
  return out;
}

}  // namespace

std::string truncated(std::string text, std::size_t limit) {
  if (text.size() <= limit) return text;
  text.resize(limit > 3 ? limit - 3 : 0);
  return text + "...";
}

ValidationError explain(const std::vector<RawError>& errors, const boost::json::value& instance) {
  const ValidationError first = one_error(errors.front(), instance);
  // valijson pushes a combinator's own error after its alternatives'; the first one
  // found whose pointer encloses the first failure is the innermost.
  for (std::size_t i = 1; i < errors.size(); ++i) {
    const std::string keyword = keyword_of(errors[i].description);
    if (!is_combinator(keyword)) continue;
    const std::string pointer = pointer_of(errors[i].context);
    if (!encloses(pointer, first.instance_pointer)) continue;
    if (is_combinator(first.keyword) && first.instance_pointer == pointer) break;
    return ValidationError{
        .instance_pointer = pointer,
        .keyword = keyword,
        .expected = sentence(errors[i].description) + " (first failure: " + first.describe() + ")"};
  }
  return first;
}

std::string ValidationError::describe() const {
  const std::string where = instance_pointer.empty() ? "the root" : instance_pointer;
  return truncated("at " + where + " (" + keyword + "): " + expected, kMaxErrorLength);
}

}  // namespace agenthost::schema
