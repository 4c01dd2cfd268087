#include "models/retry_policy.hpp"

#include <algorithm>
#include <charconv>

namespace agenthost::models {

std::optional<std::chrono::milliseconds> parse_retry_after(std::string_view value) {
  while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
  while (!value.empty() && value.back() == ' ') value.remove_suffix(1);
  std::uint32_t seconds = 0;
  const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), seconds);
  if (value.empty() || ec != std::errc() || end != value.data() + value.size()) return std::nullopt;
  return std::chrono::seconds(seconds);
}

std::chrono::milliseconds retry_delay(std::uint32_t retry, std::chrono::milliseconds base,
                                      std::chrono::milliseconds max, double jitter,
                                      std::optional<std::chrono::milliseconds> retry_after) {
  auto delay = base;
  for (std::uint32_t i = 0; i < retry && delay < max; ++i) delay *= 2;
  delay = std::min(delay, max);
  delay = std::chrono::milliseconds(
      static_cast<std::int64_t>(static_cast<double>(delay.count()) * std::clamp(jitter, 0.5, 1.0)));
  if (retry_after) delay = std::max(delay, *retry_after);
  return delay;
}

}  // namespace agenthost::models
