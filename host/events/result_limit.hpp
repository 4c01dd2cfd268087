#pragma once
/// \file
/// The size limit of a run's result (limits.max_result_bytes): a result is stored
/// with the run and sent to every subscriber, so one that is too large fails the run
/// with a message saying so, instead of costing the host its memory and disk.

#include <boost/json/value.hpp>

#include <cstddef>
#include <optional>
#include <string>

namespace agenthost::events {

/// Default of limits.max_result_bytes: 1 MiB of JSON.
inline constexpr std::size_t kDefaultMaxResultBytes = 1024 * 1024;

/// nullopt when `result` serialises to at most `max_bytes` bytes of JSON; otherwise
/// the error message for the run. Serialises in small pieces and stops at the limit,
/// so a huge result costs no more than the limit to measure.
std::optional<std::string> oversized_result(const boost::json::value& result,
                                            std::size_t max_bytes);

}  // namespace agenthost::events
