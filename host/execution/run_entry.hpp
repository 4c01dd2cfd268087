#pragma once
/// \file
/// RunEntry: the engine's record of one accepted run, from submit() until it is
/// final. Internal to the execution component.

#include <boost/json/value.hpp>

#include <atomic>
#include <chrono>
#include <future>
#include <memory>
#include <string>

#include "agenthost/execution_context.hpp"
#include "events/event_router.hpp"
#include "events/event_sink.hpp"
#include "execution/engine_types.hpp"
#include "execution/run_control.hpp"
#include "execution/run_input.hpp"
#include "fiber/fiber_waiter.hpp"
#include "registry/agent_class_registry.hpp"

namespace agenthost::execution {

struct RunEntry {
  /// Where the run is. Changed only under the engine's lock.
  enum class Phase {
    waiting_for_thread,  ///< queued behind another run of its thread
    ready,               ///< in its user's ready queue, waiting for its turn to start
    running,             ///< its fiber started (scope being built, agent running or waiting)
    ending               ///< its terminal event and status are being written
  };

  RunEntry(RunTicket ids, const registry::AgentClass& agent, std::shared_ptr<RunControl> ctl,
           std::shared_ptr<fiber::FiberWaiter> wait, agenthost::ExecutionContext ctx,
           boost::json::value in)
      : ticket(std::move(ids)),
        agent_class(agent),
        control(std::move(ctl)),
        waiter(std::move(wait)),
        context(std::move(ctx)),
        input(std::move(in)) {}

  const RunTicket ticket;  ///< ids; its `finished` is the future of `finished` below
  const registry::AgentClass& agent_class;
  const std::shared_ptr<RunControl> control;         ///< shared with the timeout timer
  const std::shared_ptr<fiber::FiberWaiter> waiter;  ///< the run's fiber (also in context)
  const agenthost::ExecutionContext context;         ///< carries control->token()
  const boost::json::value input;

  const std::string& run_id() const noexcept { return context.run_id(); }
  const std::string& user_id() const noexcept { return context.user_id(); }
  const std::string& thread_id() const noexcept { return context.thread_id(); }

  Phase phase = Phase::waiting_for_thread;  // guarded by the engine's lock
  std::chrono::steady_clock::time_point submitted_at = std::chrono::steady_clock::now();
  std::chrono::steady_clock::time_point started_at;  // set when its fiber is started
  /// The submitter's sink (owned here: the router holds it weakly) and its
  /// subscription, made before the run can emit; both reset once the run is final.
  std::shared_ptr<events::EventSink> subscriber;
  events::EventRouter::Subscription subscription;
  std::promise<RunOutcome> finished;

  /// How the run asks its user (also in context); set before the run is queued.
  std::shared_ptr<RunInput> user_input;
  /// The run's timers; touched only on its fiber. run_timeout counts working time
  /// only: the deadline is put off by the time the run waits for its user.
  std::uint64_t run_timer = 0;
  std::chrono::steady_clock::time_point deadline;
  std::chrono::steady_clock::duration left_when_waiting{};
  std::uint64_t input_timer = 0;
  bool holds_waiting_slot = false;  // guarded by the engine's lock
  /// A resumed run: seq of its last event stored before the restart (0: a new run).
  std::uint64_t resumed_after_seq = 0;
  /// Set by shutdown() for a resumable run it stops: the run is left unfinished in
  /// the store (no terminal event, no final status) for the next start to resume.
  std::atomic<bool> parked{false};
};

}  // namespace agenthost::execution
