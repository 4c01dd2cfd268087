// loadbench.so: the agent the load benchmark runs. "noop" emits N agent_thinking
// events (input {"events": N}, default 5) and returns {"events": N}: everything a run
// costs is the host's own work (context, scope, events stored and delivered), which
// is what the load benchmark measures. With {"wait_ms": W} it first waits W ms through
// context().sleep_for, as a run waiting for a model's answer does: the run is suspended
// and holds no thread meanwhile.

#include <agenthost/plugin.hpp>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <string_view>

#include "noop_run_shape.hpp"

namespace {

namespace shape = agenthost::bench::load;

// input[key] clamped to 0 .. max, or `absent` when it is missing or not an integer.
std::int64_t bounded_input(const boost::json::value& input, std::string_view key,
                           std::int64_t absent, std::int64_t max) {
  const auto* object = input.if_object();
  const auto* value = object ? object->if_contains(key) : nullptr;
  if (!value || !value->is_int64()) return absent;
  return std::clamp<std::int64_t>(value->as_int64(), 0, max);
}

class NoopAgent final : public agenthost::Agent {
 public:
  using Agent::Agent;

  boost::json::value run(const boost::json::value& input) override {
    const auto n =
        bounded_input(input, "events", shape::kDefaultAgentEvents, shape::kMaxAgentEvents);
    // Absent: the plain no-op path, no wait call at all. A cancelled wait just ends early.
    const auto wait_ms = bounded_input(input, "wait_ms", 0, shape::kMaxWaitMs);
    if (wait_ms > 0) context().sleep_for(std::chrono::milliseconds(wait_ms));
    for (std::int64_t i = 0; i < n; ++i) events().thinking(shape::kThought, static_cast<int>(i));
    return {{"events", n}};
  }
};

void register_loadbench(agenthost::Registrar& registrar) {
  registrar.add_agent<NoopAgent>(
      {.name = std::string(shape::kAgentName),
       .description = "Emits N agent_thinking events and returns (load benchmark)",
       .version = "1.0.0"});
}

}  // namespace

AGENTHOST_PLUGIN("loadbench", "1.0.0", register_loadbench)
