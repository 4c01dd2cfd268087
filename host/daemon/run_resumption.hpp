#pragma once
/// \file
/// Which unfinished runs a starting host resumes, and resuming them: a run of a
/// resumable agent class (AgentInfo::resumable) continues, unless it was found working
/// at `max_resumes` restarts already (a run that crashes the host would otherwise
/// crash it forever); a run waiting for its user cannot have crashed the host, so its
/// restarts do not count.

#include <cstdint>
#include <vector>

#include "daemon/run_recovery.hpp"
#include "database/run_store.hpp"
#include "execution/execution_engine.hpp"
#include "registry/agent_class_registry.hpp"

namespace agenthost::daemon {

/// The policy recover_interrupted_runs applies at startup.
RecoveryPolicy resumption_policy(const registry::AgentClassRegistry& registry,
                                 std::uint64_t max_resumes);

/// Queues the runs recovery requeued in `engine` (ExecutionEngine::resume). A run the
/// engine refuses stays queued in the store and is logged; the next start sees it again.
void resume_runs(execution::ExecutionEngine& engine,
                 const std::vector<database::RunStore::UnfinishedRun>& runs);

}  // namespace agenthost::daemon
