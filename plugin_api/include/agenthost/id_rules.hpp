#pragma once
/// \file
/// Rules every id in an execution context must follow. Placeholder-looking ids are
/// refused outright: the original system let "registry" and "default" run ids through
/// with a warning, and events were then routed by them.

#include <algorithm>
#include <array>
#include <cctype>
#include <string>
#include <string_view>

namespace agenthost {

namespace detail {

inline std::string lower_ascii(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

}  // namespace detail

/// Ids that are refused whatever their case.
inline constexpr std::array<std::string_view, 19> kPlaceholderIds = {
    "registry", "placeholder", "default", "temp", "none", "null", "undefined",
    "0",        "1",           "xxx",     "yyy",  "example", "test", "demo",
    "sample",   "template",    "mock",    "fake", "dummy"};

/// Prefixes refused on ids shorter than kPlaceholderPrefixMinLength.
inline constexpr std::array<std::string_view, 10> kPlaceholderPrefixes = {
    "placeholder_", "registry_", "default_", "temp_",     "example_",
    "demo_",        "sample_",   "template_", "mock_",    "fake_"};
inline constexpr std::size_t kPlaceholderPrefixMinLength = 20;

/// Longest id accepted; longer ones are refused rather than cut.
inline constexpr std::size_t kMaxIdLength = 128;

/// Returns an empty string when `id` is acceptable, else why it is not
/// (for example "is a placeholder value (\"default\")").
inline std::string id_problem(std::string_view id) {
  if (id.empty()) return "is empty";
  if (id.size() > kMaxIdLength) return "is longer than 128 characters";
  for (unsigned char c : id) {
    if (!(std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == ':' || c == '@'))
      return "contains a character outside [A-Za-z0-9-_.:@]";
  }
  const std::string lower = detail::lower_ascii(id);
  for (auto p : kPlaceholderIds)
    if (lower == p) return "is a placeholder value (\"" + std::string(id) + "\")";
  if (lower.size() < kPlaceholderPrefixMinLength) {
    for (auto p : kPlaceholderPrefixes)
      if (lower.starts_with(p))
        return "looks like a placeholder (starts with \"" + std::string(p) + "\")";
  }
  return {};
}

}  // namespace agenthost
