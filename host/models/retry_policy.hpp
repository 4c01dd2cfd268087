#pragma once
/// \file
/// When a failed model request is tried again, and after how long.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string_view>

namespace agenthost::models {

/// True for the answers worth another attempt: 429 and every 5xx.
constexpr bool retryable_status(unsigned status) { return status == 429 || status >= 500; }

/// Retry-After as seconds ("120"); nullopt for anything else (an HTTP date is not
/// honoured: the backoff applies).
std::optional<std::chrono::milliseconds> parse_retry_after(std::string_view value);

/// The delay before retry number `retry` (0 for the first): `base` doubled per retry,
/// at most `max`, times `jitter` (0.5 .. 1.0, random); at least `retry_after`.
std::chrono::milliseconds retry_delay(std::uint32_t retry, std::chrono::milliseconds base,
                                      std::chrono::milliseconds max, double jitter,
                                      std::optional<std::chrono::milliseconds> retry_after);

}  // namespace agenthost::models
