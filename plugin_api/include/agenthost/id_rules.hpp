#pragma once
/// \file
/// Rules every id in an execution context must follow. Placeholder-looking ids are
/// refused outright: the original system let "registry" and "default" run ids through
/// with a warning, and events were then routed by them.

#include <array>
#include <string>
#include <string_view>

namespace agenthost {

namespace detail {

inline constexpr bool is_id_char(unsigned char c) noexcept {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_' || c == '.' || c == ':' || c == '@';
}

inline constexpr char lower_ascii(char c) noexcept {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

/// Case-insensitive (ASCII) "s starts with lower-case p", without a copy: ids are
/// checked on every run, so this stays allocation-free.
inline constexpr bool istarts_with(std::string_view s, std::string_view p) noexcept {
  if (s.size() < p.size()) return false;
  for (std::size_t i = 0; i < p.size(); ++i)
    if (lower_ascii(s[i]) != p[i]) return false;
  return true;
}

}  // namespace detail

/// Ids that are refused whatever their case.
inline constexpr std::array<std::string_view, 19> kPlaceholderIds = {
    "registry", "placeholder", "default", "temp", "none",    "null", "undefined",
    "0",        "1",           "xxx",     "yyy",  "example", "test", "demo",
    "sample",   "template",    "mock",    "fake", "dummy"};

/// Prefixes refused on ids shorter than kPlaceholderPrefixMinLength.
inline constexpr std::array<std::string_view, 10> kPlaceholderPrefixes = {
    "placeholder_", "registry_", "default_",  "temp_", "example_",
    "demo_",        "sample_",   "template_", "mock_", "fake_"};
inline constexpr std::size_t kPlaceholderPrefixMinLength = 20;

/// Longest id accepted; longer ones are refused rather than cut.
inline constexpr std::size_t kMaxIdLength = 128;

/// Returns an empty string when `id` is acceptable, else why it is not
/// (for example "is a placeholder value (\"default\")").
inline std::string id_problem(std::string_view id) {
  if (id.empty()) return "is empty";
  if (id.size() > kMaxIdLength) return "is longer than 128 characters";
  for (unsigned char c : id) {
    if (!detail::is_id_char(c)) return "contains a character outside [A-Za-z0-9-_.:@]";
  }
  if (id.size() < kPlaceholderPrefixMinLength) {  // every placeholder is shorter
    for (auto p : kPlaceholderIds)
      if (id.size() == p.size() && detail::istarts_with(id, p))
        return "is a placeholder value (\"" + std::string(id) + "\")";
    for (auto p : kPlaceholderPrefixes)
      if (detail::istarts_with(id, p))
        return "looks like a placeholder (starts with \"" + std::string(p) + "\")";
  }
  return {};
}

}  // namespace agenthost
