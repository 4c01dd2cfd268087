#include "config/duration.hpp"

#include <array>
#include <charconv>
#include <cstdint>
#include <limits>
#include <utility>

namespace agenthost::config {

namespace {

// Longest unit first, so format_duration picks the shortest spelling.
constexpr std::array<std::pair<std::string_view, std::int64_t>, 4> kUnits{{
    {"h", 3'600'000},
    {"m", 60'000},
    {"s", 1'000},
    {"ms", 1},
}};

}  // namespace

std::optional<Duration> parse_duration(std::string_view text) {
  std::size_t digits = 0;
  while (digits < text.size() && text[digits] >= '0' && text[digits] <= '9') ++digits;
  if (digits == 0) return std::nullopt;
  const std::string_view unit = text.substr(digits);
  for (const auto& [name, millis] : kUnits) {
    if (unit != name) continue;
    std::int64_t count = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + digits, count);
    if (ec != std::errc() || end != text.data() + digits) return std::nullopt;
    if (count > std::numeric_limits<std::int64_t>::max() / millis) return std::nullopt;
    return Duration(count * millis);
  }
  return std::nullopt;
}

std::string format_duration(Duration d) {
  const std::int64_t millis = d.count();
  for (const auto& [name, unit_millis] : kUnits) {
    if (millis != 0 && millis % unit_millis == 0) {
      return std::to_string(millis / unit_millis) + std::string(name);
    }
  }
  return std::to_string(millis) + "ms";
}

}  // namespace agenthost::config
