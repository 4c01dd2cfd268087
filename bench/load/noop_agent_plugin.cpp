// loadbench.so: the agent the load benchmark runs. "noop" emits N agent_thinking
// events (input {"events": N}, default 5) and returns {"events": N}: everything a run
// costs is the host's own work (context, scope, events stored and delivered), which
// is what the load benchmark measures.

#include <agenthost/plugin.hpp>

#include <cstdint>

#include "noop_run_shape.hpp"

namespace {

namespace shape = agenthost::bench::load;

std::int64_t requested_events(const boost::json::value& input) {
  const auto* object = input.if_object();
  const auto* events = object ? object->if_contains("events") : nullptr;
  if (!events || !events->is_int64()) return shape::kDefaultAgentEvents;
  const auto n = events->as_int64();
  if (n < 0) return 0;
  return n > shape::kMaxAgentEvents ? shape::kMaxAgentEvents : n;
}

class NoopAgent final : public agenthost::Agent {
 public:
  using Agent::Agent;

  boost::json::value run(const boost::json::value& input) override {
    const auto n = requested_events(input);
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
