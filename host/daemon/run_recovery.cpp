#include "daemon/run_recovery.hpp"

#include <spdlog/spdlog.h>

#include <chrono>
#include <memory>
#include <string_view>
#include <utility>
#include <vector>

#include "events/event.hpp"
#include "events/host_events.hpp"
#include "execution/run_outcome.hpp"

namespace agenthost::daemon {

namespace {

constexpr const char* kInterrupted =
    "the host stopped before the run finished (it was killed or crashed); start the run again";

}  // namespace

std::size_t recover_interrupted_runs(database::RunStore& runs, events::EventStore& store,
                                     execution::RunObserver* observer, const RecoveryPolicy& policy,
                                     std::vector<database::RunStore::UnfinishedRun>* resumed) {
  const auto unfinished = runs.unfinished_runs();
  if (unfinished.empty()) return 0;
  const auto now = std::chrono::system_clock::now();
  // Each ended run gets its own copy of the ending (event and status), built where
  // every other ending is.
  std::vector<const database::RunStore::UnfinishedRun*> ended;
  std::vector<execution::RunOutcome> outcomes;
  for (const auto& u : unfinished) {
    auto decision = policy ? policy(u) : RecoveryDecision{false, kInterrupted};
    if (decision.resume && resumed) {
      // Found working (not waiting for its user): counts towards the crash-loop limit.
      runs.requeue_for_resume(u.run.run_id, u.run.status != database::run_status::waiting_input);
      resumed->push_back(u);
      spdlog::warn("[{}:{}] run {} was {} when the previous agenthostd stopped; resuming it",
                   u.run.user_id.substr(0, 8), u.run.thread_id.substr(0, 8), u.run.run_id,
                   u.run.status);
      continue;
    }
    auto ending =
        execution::RunEnding::stopped(events::DeathCause::interrupted,
                                      decision.message.empty() ? kInterrupted : decision.message);
    auto event = std::make_shared<events::Event>();
    event->type = std::string(ending.event_type);
    event->user_id = u.run.user_id;
    event->run_id = u.run.run_id;
    event->thread_id = u.run.thread_id;
    event->agent_name = u.run.agent_name;
    event->seq = u.last_seq + 1;  // after whatever the previous process stored
    event->timestamp = now;
    event->payload = std::move(ending.payload);
    store.append(event);
    ended.push_back(&u);
    outcomes.push_back(std::move(ending).unstored());
    spdlog::warn("[{}:{}] run {} was {} when the previous agenthostd stopped; marked interrupted",
                 u.run.user_id.substr(0, 8), u.run.thread_id.substr(0, 8), u.run.run_id,
                 u.run.status);
  }
  // The terminal events are durable before any status says the runs are over.
  store.flush();
  for (std::size_t i = 0; i < ended.size(); ++i)
    runs.mark_finished(ended[i]->run.run_id, outcomes[i].status, std::nullopt, outcomes[i].error,
                       now);
  if (observer)
    for (const auto* u : ended)
      observer->run_finished(u->run.agent_name, database::run_status::interrupted, std::nullopt);
  return ended.size();
}

}  // namespace agenthost::daemon
