#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace agenthost::config {

/// Every time setting. In YAML a whole number with a required unit: "250ms", "30s", "5m", "1h".
using Duration = std::chrono::milliseconds;

/// "250ms" -> 250ms; nullopt for anything else (missing unit, fraction, sign, overflow).
std::optional<Duration> parse_duration(std::string_view text);

/// The shortest exact spelling: 300000ms -> "5m", 1500ms -> "1500ms".
std::string format_duration(Duration d);

/// The text every duration error uses to say what is accepted.
inline constexpr std::string_view kDurationExpectation =
    "expected a duration such as 500ms, 30s or 5m (units: ms, s, m, h)";

}  // namespace agenthost::config
