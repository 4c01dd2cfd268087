#include "daemon/run_resumption.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "database/run_record.hpp"

namespace agenthost::daemon {

RecoveryPolicy resumption_policy(const registry::AgentClassRegistry& registry,
                                 std::uint64_t max_resumes) {
  return [&registry, max_resumes](const database::RunStore::UnfinishedRun& u) {
    const auto* agent = registry.find_agent(u.run.agent_name);
    if (!agent || !agent->info.resumable) return RecoveryDecision{};
    const bool working = u.run.status != database::run_status::waiting_input;
    if (working && u.resume_count >= max_resumes)
      return RecoveryDecision{
          false, fmt::format("the host stopped while the run was working {} times after it was "
                             "resumed (limits.max_run_resumes); it is not resumed again, as it may "
                             "be what stops the host; start it again",
                             u.resume_count + 1)};
    return RecoveryDecision{true, {}};
  };
}

void resume_runs(execution::ExecutionEngine& engine,
                 const std::vector<database::RunStore::UnfinishedRun>& runs) {
  for (const auto& u : runs) {
    execution::ResumePoint point;
    point.last_seq = u.last_seq;
    point.checkpoint = u.checkpoint;
    if (u.run.status == database::run_status::waiting_input && u.run.question &&
        u.run.question->is_object())
      point.question = u.run.question->as_object();
    try {
      engine.resume(u.run, std::move(point));
    } catch (const std::exception& e) {
      spdlog::error("run {} could not be resumed ({}); it stays queued until the next start",
                    u.run.run_id, e.what());
    }
  }
}

}  // namespace agenthost::daemon
