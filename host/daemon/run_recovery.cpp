#include "daemon/run_recovery.hpp"

#include <spdlog/spdlog.h>

#include <chrono>
#include <memory>

#include "events/event.hpp"
#include "events/host_events.hpp"

namespace agenthost::daemon {

std::size_t recover_interrupted_runs(database::RunStore& runs, events::EventStore& store,
                                     execution::RunObserver* observer) {
  const auto unfinished = runs.unfinished_runs();
  if (unfinished.empty()) return 0;
  const auto now = std::chrono::system_clock::now();
  for (const auto& u : unfinished) {
    auto event = std::make_shared<events::Event>();
    event->type = "agent_death";
    event->user_id = u.run.user_id;
    event->run_id = u.run.run_id;
    event->thread_id = u.run.thread_id;
    event->agent_name = u.run.agent_name;
    event->seq = u.last_seq + 1;
    event->timestamp = now;
    event->payload = events::death_payload(
        events::DeathCause::interrupted,
        "the host stopped before the run finished (it was killed or crashed); start the run "
        "again");
    store.append(event);
    spdlog::warn("[{}:{}] run {} was {} when the previous agenthostd stopped; marked interrupted",
                 u.run.user_id.substr(0, 8), u.run.thread_id.substr(0, 8), u.run.run_id,
                 u.run.status);
  }
  // The terminal events are durable before any status says the runs are over.
  store.flush();
  runs.mark_unfinished_interrupted(now);
  if (observer)
    for (const auto& u : unfinished)
      observer->run_finished(u.run.agent_name, database::run_status::interrupted, std::nullopt);
  return unfinished.size();
}

}  // namespace agenthost::daemon
