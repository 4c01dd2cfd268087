#pragma once
/// \file
/// EmitPacer: keeps one run's emitting in step with how fast the host takes its
/// events. An agent that emits in a loop never waits (an event is queued, not
/// written), so without pacing it would keep its thread from the other runs there
/// and hold in memory every event it emitted faster than the database stores them.
/// The run's UserEventEmitter calls its pacer after each event it queued, outside its
/// lock; the pacer may suspend the run there (a yield, or a wait for storage).

namespace agenthost::events {

class EmitPacer {
 public:
  virtual ~EmitPacer() = default;

  /// One event of the run was queued. Called on the emitting thread (the run's fiber
  /// or a thread the agent started), from several at once when the agent emits from
  /// several; returns when the run may go on. Never throws.
  virtual void after_emit() noexcept = 0;

 protected:
  EmitPacer() = default;
  EmitPacer(const EmitPacer&) = delete;
  EmitPacer& operator=(const EmitPacer&) = delete;
};

}  // namespace agenthost::events
