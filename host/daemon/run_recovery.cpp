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

// "[user:thread]", as the host's other log lines about a run begin.
std::string log_tag(const database::RunStore::UnfinishedRun& u) {
  return "[" + u.run.user_id.substr(0, 8) + ":" + u.run.thread_id.substr(0, 8) + "]";
}

// The run's terminal event is stored: it ended, and the stop came between that event's
// commit and its final status's. The status is recorded as the event says; a second
// ending (resumed, or agent_death interrupted) would give the run two.
void record_stored_ending(database::RunStore& runs, const database::RunStore::UnfinishedRun& u,
                          execution::RunObserver* observer,
                          std::chrono::system_clock::time_point now) {
  const auto& ending = *u.stored_ending;
  execution::RunOutcome outcome;
  try {
    outcome = execution::outcome_of_stored_ending(ending.type, ending.payload);
  } catch (const std::invalid_argument& e) {
    spdlog::error("{} run {}: its stored {} cannot be read ({}); recorded interrupted", log_tag(u),
                  u.run.run_id, ending.type, e.what());
    outcome =
        execution::RunEnding::stopped(events::DeathCause::interrupted, kInterrupted).unstored();
  }
  runs.mark_finished(u.run.run_id, outcome.status, outcome.result, outcome.error, now);
  spdlog::warn(
      "{} run {} had ended ({} stored) when the previous agenthostd stopped, before its "
      "status was recorded; recorded {}",
      log_tag(u), u.run.run_id, ending.type, outcome.status);
  if (observer) observer->run_finished(u.run.agent_name, outcome.status, std::nullopt);
}

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
    if (u.stored_ending) {
      record_stored_ending(runs, u, observer, now);
      continue;
    }
    auto decision = policy ? policy(u) : RecoveryDecision{false, kInterrupted};
    if (decision.resume && resumed) {
      // Found working (not waiting for its user): counts towards the crash-loop limit.
      runs.requeue_for_resume(u.run.run_id, u.run.status != database::run_status::waiting_input);
      resumed->push_back(u);
      spdlog::warn("{} run {} was {} when the previous agenthostd stopped; resuming it", log_tag(u),
                   u.run.run_id, u.run.status);
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
    spdlog::warn("{} run {} was {} when the previous agenthostd stopped; marked interrupted",
                 log_tag(u), u.run.run_id, u.run.status);
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
