#pragma once
/// \file
/// Crash recovery, at startup, before the engine takes runs: every run a previous
/// process left queued or running (it was killed: kill -9, power loss) gets its
/// terminal agent_death event (cause interrupted) and then the status interrupted,
/// in the same order as a live run's end, so a client replaying the run's events
/// sees it end. Nothing stored before the crash is touched.

#include <cstddef>

#include "database/run_store.hpp"
#include "events/event_store.hpp"
#include "execution/run_observer.hpp"

namespace agenthost::daemon {

/// Returns how many runs were recovered; each is reported to `observer` (if any) as
/// finished interrupted. Throws database::DatabaseError when the database cannot be
/// read or written (the host must not start half-recovered).
std::size_t recover_interrupted_runs(database::RunStore& runs, events::EventStore& store,
                                     execution::RunObserver* observer = nullptr);

}  // namespace agenthost::daemon
