#include "config/value_readers.hpp"

#include <yaml-cpp/yaml.h>

#include <charconv>
#include <map>

#include "config/env_substitution.hpp"

namespace agenthost::config {

namespace {

std::string describe_kind(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Map:
      return "a mapping";
    case YAML::NodeType::Sequence:
      return "a list";
    case YAML::NodeType::Scalar:
      return "'" + node.Scalar() + "'";
    default:
      return "no value";
  }
}

}  // namespace

bool is_null(const ValueRef& value) { return !value.node.IsDefined() || value.node.IsNull(); }

std::optional<std::string> read_scalar_text(const ValueRef& value, LoadContext& ctx,
                                            std::string_view expected) {
  if (is_null(value)) {
    ctx.report(value, "no value given; expected " + std::string(expected));
    return std::nullopt;
  }
  if (!value.node.IsScalar()) {
    ctx.report(value, "expected " + std::string(expected) + ", got " + describe_kind(value.node));
    return std::nullopt;
  }
  ExpandedText expanded = expand_environment(value.node.Scalar(), ctx.env());
  if (!expanded.errors.empty()) {
    for (auto& error : expanded.errors) ctx.report(value, std::move(error));
    return std::nullopt;
  }
  return std::move(expanded.text);
}

std::optional<std::string> read_string(const ValueRef& value, LoadContext& ctx) {
  return read_scalar_text(value, ctx, "a string");
}

std::optional<std::int64_t> read_integer(const ValueRef& value, LoadContext& ctx) {
  const auto text = read_scalar_text(value, ctx, "an integer");
  if (!text) return std::nullopt;
  const char* begin = text->data();
  const char* end = begin + text->size();
  if (begin != end && *begin == '+') ++begin;  // from_chars refuses '+'
  std::int64_t number = 0;
  const auto [stop, ec] = std::from_chars(begin, end, number);
  if (ec == std::errc::result_out_of_range) {
    ctx.report(value, "'" + *text + "' is too large for an integer setting");
    return std::nullopt;
  }
  if (ec != std::errc() || stop != end || begin == end) {
    ctx.report(value, "expected an integer, got '" + *text + "'");
    return std::nullopt;
  }
  return number;
}

std::optional<Duration> read_duration(const ValueRef& value, LoadContext& ctx) {
  const auto text = read_scalar_text(value, ctx, "a duration such as 500ms, 30s or 5m");
  if (!text) return std::nullopt;
  const auto duration = parse_duration(*text);
  if (!duration) ctx.report(value, std::string(kDurationExpectation) + ", got '" + *text + "'");
  return duration;
}

void read_list(const ValueRef& value, LoadContext& ctx, std::string_view expected,
               const std::function<void(std::size_t, const ValueRef&)>& on_item) {
  if (!value.node.IsSequence()) {
    ctx.report(value, "expected " + std::string(expected) + ", got " + describe_kind(value.node));
    return;
  }
  std::size_t index = 0;
  for (const YAML::Node& item : value.node) {
    on_item(index, ValueRef{item, position_of(item), index_path(value.path, index)});
    ++index;
  }
}

void read_entries(
    const ValueRef& value, LoadContext& ctx, std::string_view expected,
    const std::function<void(const std::string&, SourcePosition, const ValueRef&)>& on_entry) {
  if (!value.node.IsMap()) {
    ctx.report(value, "expected " + std::string(expected) + ", got " + describe_kind(value.node));
    return;
  }
  std::map<std::string, SourcePosition> seen;
  for (auto it = value.node.begin(); it != value.node.end(); ++it) {
    // Copies: it-> yields a temporary proxy; Nodes are cheap handles.
    const YAML::Node key = it->first;
    const YAML::Node item = it->second;
    const SourcePosition key_at = position_of(key);
    if (!key.IsScalar()) {
      ctx.report(key_at, value.path,
                 "a key must be plain text, got " + describe_kind(key) + " as a key");
      continue;
    }
    const std::string& name = key.Scalar();
    const auto [first, inserted] = seen.emplace(name, key_at);
    if (!inserted) {
      ctx.report(key_at, child_path(value.path, name),
                 "duplicate key '" + name + "' (first given at line " +
                     std::to_string(first->second.line) + "); keep only one");
      continue;
    }
    const SourcePosition item_at = item.IsNull() ? key_at : position_of(item);
    on_entry(name, key_at, ValueRef{item, item_at, child_path(value.path, name)});
  }
}

}  // namespace agenthost::config
