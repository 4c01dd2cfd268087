#pragma once
// What one run of the load benchmark's no-op agent looks like on the wire: shared by
// the plugin (which produces it through the real host) and the bare transport server
// (which imitates it), so that both send the same frames with the same sizes.

#include <string_view>

namespace agenthost::bench::load {

/// The agent's name (in every event envelope).
inline constexpr std::string_view kAgentName = "noop";
/// Events the agent emits when its input does not say ({"events": N} does).
inline constexpr int kDefaultAgentEvents = 5;
/// Most events one run may ask for: keeps a typo from flooding the host.
inline constexpr int kMaxAgentEvents = 1000;
/// Longest wait one run may ask for ({"wait_ms": W}): keeps a typo from parking runs
/// for days.
inline constexpr int kMaxWaitMs = 600'000;
/// The thought of each agent_thinking event.
inline constexpr std::string_view kThought = "no-op step";

}  // namespace agenthost::bench::load
