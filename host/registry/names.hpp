#pragma once
/// \file
/// The rule for agent and tool names: [a-z0-9][a-z0-9_.-]{0,63}. Names reach URLs,
/// log lines and event payloads, so they stay short and plain.

#include <cstddef>
#include <string>
#include <string_view>

namespace agenthost::registry {

inline constexpr std::size_t kMaxNameLength = 64;

/// Empty when `name` is a valid agent or tool name, else why it is not (for example
/// "contains 'X' at position 3"), for use after "name \"...\" ".
std::string name_problem(std::string_view name);

}  // namespace agenthost::registry
