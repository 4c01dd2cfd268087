#pragma once
/// \file
/// Crash recovery, at startup, before the engine takes runs: every run a previous
/// process left queued, running or waiting for input (it was stopped: kill -9, power
/// loss, or a clean stop that left resumable runs unfinished) is either resumed
/// (requeued in the store, for ExecutionEngine::resume) or ended: its terminal
/// agent_death event (cause interrupted) and then the status interrupted, in the same
/// order as a live run's end, so a client replaying the run's events sees it end.
/// A run whose terminal event is stored (the stop came before its final status) had
/// ended: it gets the status that event says, and no second ending.
/// Nothing stored before the stop is touched.

#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include "database/run_store.hpp"
#include "events/event_store.hpp"
#include "execution/run_observer.hpp"

namespace agenthost::daemon {

/// What to do with one unfinished run: resume it, or end it with `message`.
struct RecoveryDecision {
  bool resume = false;
  std::string message;  ///< for an ended run: why (its agent_death message)
};
using RecoveryPolicy =
    std::function<RecoveryDecision(const database::RunStore::UnfinishedRun& run)>;

/// Returns how many runs were ended interrupted; each is reported to `observer` (if
/// any) as finished interrupted, and a run whose ending was stored with its own
/// status. Runs `policy` decides to resume are requeued in the store (counting one
/// more resume when they were found working) and added to `resumed`. Without a policy
/// every run is ended. Throws database::DatabaseError when the database cannot be
/// read or written (the host must not start half-recovered).
std::size_t recover_interrupted_runs(
    database::RunStore& runs, events::EventStore& store, execution::RunObserver* observer = nullptr,
    const RecoveryPolicy& policy = {},
    std::vector<database::RunStore::UnfinishedRun>* resumed = nullptr);

}  // namespace agenthost::daemon
