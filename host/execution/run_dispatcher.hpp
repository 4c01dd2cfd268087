#pragma once
/// \file
/// RunDispatcher: where the engine's runs of an agent class are carried out when not
/// in this process. The supervisor's WorkerPool (host/supervisor) implements it: the
/// engine keeps admission, scheduling, timeouts and the one end path (finalize), and
/// a dispatched run's fiber here stands in for the run while a worker process runs
/// its agent. Null in the engine: every run is in_process.

#include <functional>
#include <optional>
#include <string>

#include "events/user_event_emitter.hpp"
#include "execution/run_entry.hpp"
#include "execution/run_outcome.hpp"
#include "registry/agent_class_registry.hpp"

namespace agenthost::execution {

class RunDispatcher {
 public:
  virtual ~RunDispatcher() = default;

  /// True when runs of `agent_class` go to a worker process (isolation worker or
  /// dedicated), false when they run in this process (in_process).
  virtual bool dispatches(const registry::AgentClass& agent_class) const = 0;

  /// Why new runs of `agent_class` are refused now (it is quarantined: the message
  /// names why and until when), or nullopt. Any thread.
  virtual std::optional<std::string> unavailable(const registry::AgentClass& agent_class) const = 0;

  /// Runs `run` in a worker process, on the run's fiber, and returns how it ended:
  /// its terminal event is stored (or the outcome says it could not be). Never
  /// throws. `ready(emitter)` is called once the run's emitter exists, before any of
  /// its events: the engine attaches the run's user input and announces a resumed
  /// run there.
  virtual RunOutcome execute(RunEntry& run,
                             const std::function<void(events::UserEventEmitter&)>& ready) = 0;
};

}  // namespace agenthost::execution
