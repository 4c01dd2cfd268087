#pragma once

// Builders for ObjectSchema fields, used by the *_section.cpp files:
//   field("port", &ServerSettings::port, "Listen port.", range(0, 65535)).restart()
//   enum_field("format", &LoggingSettings::format, "Log line format.", kLogFormatNames).live()
//   custom_field(paths_doc(), read_paths, &PluginsSettings::paths, same_paths).restart()
//   section("server", &HostConfig::server, server_schema())
// Every key ends with its reload kind (.live(), .live_secret() or .restart()): the reload
// plan is derived from it (ObjectSchema::plan_reload).
// A constraint is any object with `std::optional<std::string> check(const V&) const` (the
// problem, or nullopt) and `std::string describe() const` (for the docs' "Allowed" column).

#include <array>
#include <cstdint>
#include <functional>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "config/duration.hpp"
#include "config/key_suggestion.hpp"
#include "config/schema.hpp"
#include "config/value_readers.hpp"

namespace agenthost::config {

namespace schema_detail {

template <class V>
constexpr bool kIsCount = std::is_integral_v<V>&& std::is_unsigned_v<V> && !std::is_same_v<V, bool>;

/// Counts are read as int64 so that "-1" is reported as out of range, not as garbage.
template <class V>
using ReadType = std::conditional_t<kIsCount<V>, std::int64_t, V>;

inline std::string format_value(std::int64_t v) { return std::to_string(v); }
inline std::string format_value(Duration v) { return format_duration(v); }
inline std::string format_value(const std::string& v) { return v.empty() ? "\"\"" : v; }

/// A value in a reload plan line: strings quoted, so that "" is visible.
inline std::string shown(std::int64_t v) { return std::to_string(v); }
inline std::string shown(Duration v) { return format_duration(v); }
inline std::string shown(const std::string& v) { return "\"" + v + "\""; }

/// The Change of a key whose values `show` spells.
template <class T, class V, class Show>
auto change_of(V T::*member, Show show) {
  return [member, show](const T& before, const T& after) -> std::optional<std::string> {
    if (before.*member == after.*member) return std::nullopt;
    return show(before.*member) + " -> " + show(after.*member);
  };
}

template <class T, class V>
auto assign_of(V T::*member) {
  return [member](const T& from, T& to) { to.*member = from.*member; };
}

template <class V>
std::optional<ReadType<V>> read_as(const ValueRef& value, LoadContext& ctx) {
  if constexpr (kIsCount<V>) {
    return read_integer(value, ctx);
  } else if constexpr (std::is_same_v<V, Duration>) {
    return read_duration(value, ctx);
  } else {
    static_assert(std::is_same_v<V, std::string>, "no reader for this setting type");
    return read_string(value, ctx);
  }
}

template <class V>
std::string type_name() {
  if constexpr (kIsCount<V>) {
    return "integer";
  } else if constexpr (std::is_same_v<V, Duration>) {
    return "duration";
  } else {
    return "string";
  }
}

template <class V>
std::string type_bounds() {
  return "0 .. " + std::to_string(std::numeric_limits<V>::max());
}

inline std::string join_allowed(std::vector<std::string> parts) {
  std::string text;
  for (const auto& part : parts) {
    if (part.empty()) continue;
    if (!text.empty()) text += "; ";
    text += part;
  }
  return text;
}

}  // namespace schema_detail

/// Inclusive range; messages and docs spell values as they are written in YAML.
template <class V>
struct Range {
  V min;
  V max;

  std::optional<std::string> check(const V& v) const {
    if (v >= min && v <= max) return std::nullopt;
    return schema_detail::format_value(v) + " is out of range; allowed: " + describe();
  }
  std::string describe() const {
    return schema_detail::format_value(min) + " .. " + schema_detail::format_value(max);
  }
};

inline Range<std::int64_t> range(std::int64_t min, std::int64_t max) { return {min, max}; }
inline Range<Duration> range(Duration min, Duration max) { return {min, max}; }

/// One of a fixed set of words.
struct OneOf {
  std::vector<std::string> choices;

  std::optional<std::string> check(const std::string& v) const {
    for (const auto& choice : choices) {
      if (v == choice) return std::nullopt;
    }
    return "'" + v + "' is not allowed;" + did_you_mean(v, choices) +
           " choose one of: " + join_words(choices);
  }
  std::string describe() const { return "one of: " + join_words(choices); }
};

inline OneOf one_of(std::vector<std::string> choices) { return {std::move(choices)}; }

struct NotEmpty {
  std::optional<std::string> check(const std::string& v) const {
    if (!v.empty()) return std::nullopt;
    return "must not be empty";
  }
  std::string describe() const { return "not empty"; }
};

inline NotEmpty not_empty() { return {}; }

/// A plain setting: a string, a count (any unsigned integer type, bounded by its type and
/// any range) or a Duration.
template <class T, class V, class... Constraints>
typename ObjectSchema<T>::Field field(std::string key, V T::*member, std::string description,
                                      Constraints... constraints) {
  using schema_detail::kIsCount;
  using R = schema_detail::ReadType<V>;
  FieldDoc doc;
  doc.key = std::move(key);
  doc.type = schema_detail::type_name<V>();
  doc.default_value = schema_detail::format_value(static_cast<R>(T{}.*member));
  doc.allowed = schema_detail::join_allowed({constraints.describe()...});
  if constexpr (kIsCount<V>) {
    if (doc.allowed.empty()) doc.allowed = schema_detail::type_bounds<V>();
  }
  doc.description = std::move(description);

  auto read = [member, constraints...](const ValueRef& value, T& out, LoadContext& ctx) {
    std::optional<R> v = schema_detail::read_as<V>(value, ctx);
    if (!v) return;
    std::optional<std::string> problem;
    ((problem = problem ? problem : constraints.check(*v)), ...);
    if constexpr (kIsCount<V>) {
      bool outside = *v < 0;
      // A 64-bit count holds every int64 >= 0 (and the comparison would always be false).
      if constexpr (sizeof(V) < sizeof(std::int64_t))
        outside = outside || static_cast<std::uint64_t>(*v) > std::numeric_limits<V>::max();
      if (!problem && outside) {
        problem =
            std::to_string(*v) + " is out of range; allowed: " + schema_detail::type_bounds<V>();
      }
    }
    if (problem) {
      ctx.report(value, std::move(*problem));
      return;
    }
    out.*member = static_cast<V>(std::move(*v));
  };
  auto show = [](const V& v) { return schema_detail::shown(static_cast<R>(v)); };
  return {std::move(doc),
          std::move(read),
          schema_detail::change_of(member, show),
          schema_detail::assign_of(member),
          {}};
}

/// The YAML spelling of one enumerator.
template <class E>
struct EnumName {
  std::string_view name;
  E value;
};

/// The spelling of `value` in `names`.
template <class E, std::size_t N>
std::string_view enum_name(const std::array<EnumName<E>, N>& names, E value) {
  for (const auto& entry : names) {
    if (entry.value == value) return entry.name;
  }
  return "?";
}

/// A setting whose YAML value is one of the words in `names`.
template <class T, class E, std::size_t N>
typename ObjectSchema<T>::Field enum_field(std::string key, E T::*member, std::string description,
                                           const std::array<EnumName<E>, N>& names) {
  OneOf choices;
  for (const auto& entry : names) choices.choices.emplace_back(entry.name);
  FieldDoc doc;
  doc.key = std::move(key);
  doc.type = "string";
  doc.default_value = std::string(enum_name(names, T{}.*member));
  doc.allowed = choices.describe();
  doc.description = std::move(description);

  auto read = [member, names, choices](const ValueRef& value, T& out, LoadContext& ctx) {
    const auto text = read_string(value, ctx);
    if (!text) return;
    for (const auto& entry : names) {
      if (entry.name == *text) {
        out.*member = entry.value;
        return;
      }
    }
    ctx.report(value, *choices.check(*text));
  };
  auto show = [names](const E& v) { return std::string(enum_name(names, v)); };
  return {std::move(doc),
          std::move(read),
          schema_detail::change_of(member, show),
          schema_detail::assign_of(member),
          {}};
}

/// A key read by its own reader (lists, mappings, values completed after loading).
/// `same` compares two values (what counts as a change; default ==); the plan shows
/// such a key only as "changed".
template <class T, class V>
typename ObjectSchema<T>::Field custom_field(
    FieldDoc doc, typename ObjectSchema<T>::Reader read, V T::*member,
    std::type_identity_t<std::function<bool(const V&, const V&)>> same = std::equal_to<V>{}) {
  auto change = [member, same](const T& before, const T& after) -> std::optional<std::string> {
    if (same(before.*member, after.*member)) return std::nullopt;
    return "changed";
  };
  return {std::move(doc), std::move(read), std::move(change), schema_detail::assign_of(member), {}};
}

/// A nested mapping read by its own schema; absent or empty (`server:`) keeps the defaults.
template <class T, class S>
typename ObjectSchema<T>::Field section(std::string key, S T::*member,
                                        const ObjectSchema<S>& schema) {
  FieldDoc doc;
  doc.key = std::move(key);
  doc.type = "mapping";
  doc.description = schema.doc().description;
  doc.nested = &schema.doc();
  auto read = [member, &schema](const ValueRef& value, T& out, LoadContext& ctx) {
    if (is_null(value)) return;
    schema.read(value, out.*member, ctx);
  };
  auto assign_live = [member, &schema](const T& from, T& to) {
    schema.assign_live(from.*member, to.*member);
  };
  auto plan = [member, &schema](const T& before, const T& after, const std::string& dotted_key,
                                ReloadPlan& out) {
    schema.plan_reload(before.*member, after.*member, dotted_key, out);
  };
  return {std::move(doc), std::move(read), {}, std::move(assign_live), std::move(plan)};
}

}  // namespace agenthost::config
