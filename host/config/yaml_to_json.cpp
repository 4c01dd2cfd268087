#include "config/yaml_to_json.hpp"

#include <yaml-cpp/yaml.h>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/string.hpp>

#include <charconv>
#include <cstdint>
#include <regex>

#include "config/env_substitution.hpp"
#include "config/value_readers.hpp"

namespace agenthost::config {

namespace {

// Anchors can make a YAML graph refer to itself (`&a [*a]`); this bounds the walk.
constexpr int kMaxDepth = 64;

bool is_one_of(std::string_view text, std::initializer_list<std::string_view> words) {
  for (auto word : words) {
    if (text == word) return true;
  }
  return false;
}

boost::json::value number_or_string(std::string_view text) {
  static const std::regex kInteger("[-+]?[0-9]+");
  static const std::regex kDecimal("[-+]?(\\.[0-9]+|[0-9]+(\\.[0-9]*)?)([eE][-+]?[0-9]+)?");
  const std::string s(text);
  const char* begin = s.data() + (s.front() == '+' ? 1 : 0);
  const char* end = s.data() + s.size();
  if (std::regex_match(s, kInteger)) {
    std::int64_t i = 0;
    if (auto r = std::from_chars(begin, end, i); r.ec == std::errc() && r.ptr == end) return i;
    std::uint64_t u = 0;
    if (auto r = std::from_chars(begin, end, u); r.ec == std::errc() && r.ptr == end) return u;
  }
  if (std::regex_match(s, kDecimal)) {
    double d = 0;
    if (auto r = std::from_chars(begin, end, d); r.ec == std::errc() && r.ptr == end) return d;
  }
  return boost::json::string(text);
}

class Converter {
 public:
  explicit Converter(const ValueRef& root, LoadContext& ctx) : root_(root), ctx_(ctx) {}

  boost::json::value convert(const ValueRef& value, int depth) {
    const YAML::Node& node = value.node;
    if (is_null(value)) return nullptr;
    if (node.IsScalar()) return scalar(value);
    if (depth >= kMaxDepth) {
      // Reported once, at the top: the path down a cycle would be 64 levels long.
      if (!too_deep_) {
        ctx_.report(root_, "nested deeper than " + std::to_string(kMaxDepth) +
                               " levels (an anchor that refers to itself?)");
      }
      too_deep_ = true;
      return nullptr;
    }
    if (node.IsSequence()) {
      boost::json::array array;
      read_list(value, ctx_, "a list", [&](std::size_t, const ValueRef& item) {
        array.push_back(convert(item, depth + 1));
      });
      return array;
    }
    boost::json::object object;
    read_entries(value, ctx_, "a mapping",
                 [&](const std::string& key, SourcePosition, const ValueRef& item) {
                   object[key] = convert(item, depth + 1);
                 });
    return object;
  }

 private:
  boost::json::value scalar(const ValueRef& value) {
    ExpandedText expanded = expand_environment(value.node.Scalar(), ctx_.env());
    if (!expanded.errors.empty()) {
      for (auto& error : expanded.errors) ctx_.report(value, std::move(error));
      return nullptr;
    }
    // yaml-cpp tags plain scalars "?", quoted ones "!", and explicit tags by name.
    if (value.node.Tag() != "?") return boost::json::string(expanded.text);
    return plain_scalar_to_json(expanded.text);
  }

  const ValueRef& root_;
  LoadContext& ctx_;
  bool too_deep_ = false;
};

}  // namespace

boost::json::value plain_scalar_to_json(std::string_view text) {
  if (text.empty() || is_one_of(text, {"~", "null", "Null", "NULL"})) return nullptr;
  if (is_one_of(text, {"true", "True", "TRUE"})) return true;
  if (is_one_of(text, {"false", "False", "FALSE"})) return false;
  return number_or_string(text);
}

std::optional<boost::json::value> yaml_to_json(const ValueRef& value, LoadContext& ctx) {
  // Problems are reported as they are found; any new report means the value is refused.
  const std::size_t issues_before = ctx.issue_count();
  boost::json::value json = Converter(value, ctx).convert(value, 0);
  if (ctx.issue_count() != issues_before) return std::nullopt;
  return json;
}

}  // namespace agenthost::config
