#include "daemon/run_recovery.hpp"

#include <spdlog/spdlog.h>

#include <boost/json/object.hpp>

#include <chrono>
#include <memory>

#include "events/event.hpp"
#include "events/host_events.hpp"

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
  std::vector<const database::RunStore::UnfinishedRun*> ended;
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
    auto event = std::make_shared<events::Event>();
    event->type = "agent_death";
    event->user_id = u.run.user_id;
    event->run_id = u.run.run_id;
    event->thread_id = u.run.thread_id;
    event->agent_name = u.run.agent_name;
    event->seq = u.last_seq + 1;
    event->timestamp = now;
    event->payload =
        events::death_payload(events::DeathCause::interrupted,
                              decision.message.empty() ? kInterrupted : decision.message);
    store.append(event);
    ended.push_back(&u);
    spdlog::warn("[{}:{}] run {} was {} when the previous agenthostd stopped; marked interrupted",
                 u.run.user_id.substr(0, 8), u.run.thread_id.substr(0, 8), u.run.run_id,
                 u.run.status);
  }
  // The terminal events are durable before any status says the runs are over.
  store.flush();
  for (const auto* u : ended) {
    runs.mark_finished(u->run.run_id, database::run_status::interrupted, std::nullopt,
                       boost::json::object{{"code", "interrupted"},
                                           {"message",
                                            "the host stopped before the run "
                                            "finished; start it again"}},
                       now);
  }
  if (observer)
    for (const auto* u : ended)
      observer->run_finished(u->run.agent_name, database::run_status::interrupted, std::nullopt);
  return ended.size();
}

}  // namespace agenthost::daemon
