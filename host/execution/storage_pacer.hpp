#pragma once
/// \file
/// StoragePacer: the pacing of a run whose events the supervisor's event log stores
/// (an in_process run, and the supervisor's side of a worker's run). After each event:
///  - a step of the run's work (FiberWaiter::pause_point): an agent that emits in a
///    loop yields its thread to the other runs there every so many events;
///  - every kCheckEvery events, when kPauseAt or more of the run's events are still
///    queued for the database, the run waits (suspended, holding no thread) until
///    fewer than kResumeBelow are. A run cannot hold more of its events in memory
///    than that, however fast it emits; other runs' events are not held back by it
///    (the writer takes the runs' queues in turn).
/// A run told to stop is no longer held (it must be able to end; a worker's run that
/// does not is killed after limits.cancel_grace).

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <stop_token>
#include <string>

#include "agenthost/execution_context.hpp"
#include "events/emit_pacer.hpp"
#include "events/event_store.hpp"
#include "fiber/fiber_waiter.hpp"

namespace agenthost::execution {

class StoragePacer final : public events::EmitPacer {
 public:
  static constexpr std::size_t kCheckEvery = 64;
  static constexpr std::size_t kPauseAt = 2048;
  static constexpr std::size_t kResumeBelow = 1024;

  /// `store` and `waiter` (the run's) must outlive the pacer; `context` is the run's.
  StoragePacer(events::EventStore& store, const agenthost::ExecutionContext& context,
               fiber::FiberWaiter& waiter)
      : store_(store),
        run_id_(context.run_id()),
        correlation_id_(context.correlation_id()),
        agent_name_(context.agent_name()),
        waiter_(waiter),
        stop_(context.stop_token()) {}

  void after_emit() noexcept override;

  /// Times the run waited for storage (for tests and figures).
  std::uint64_t waits() const noexcept { return waits_.load(std::memory_order_relaxed); }

 private:
  void wait_for_storage();

  events::EventStore& store_;
  const std::string run_id_;
  const std::string correlation_id_;  // for the log line at its first wait
  const std::string agent_name_;
  fiber::FiberWaiter& waiter_;
  const std::stop_token stop_;
  std::atomic<std::uint64_t> emitted_{0};
  std::atomic<std::uint64_t> waits_{0};
};

}  // namespace agenthost::execution
