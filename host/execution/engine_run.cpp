// ExecutionEngine: the workers, and how every run ends.
#include <spdlog/spdlog.h>

#include <exception>
#include <utility>

#include "database/run_record.hpp"
#include "events/sanitizer.hpp"
#include "execution/execution_engine.hpp"

namespace agenthost::execution {
namespace {

using std::chrono::duration_cast;
using std::chrono::microseconds;

// A run the host itself could not carry out: agent_error host_error through a fresh
// emitter (nothing was emitted for the run before).
RunOutcome host_failure(const agenthost::ExecutionContext& context, const std::string& message,
                        events::EventStore& store, events::EventRouter& router) {
  spdlog::error("[{}] {}", context.correlation_id(), message);
  try {
    return end_run_with_host_error(context, message, store, router);
  } catch (const std::exception& e) {
    spdlog::error("[{}] its agent_error event could not be stored either: {}",
                  context.correlation_id(), e.what());
    RunOutcome outcome;
    outcome.status = std::string(database::run_status::failed);
    outcome.error = boost::json::object{{"error_type", error_type::host},
                                        {"message", events::sanitize_error_message(message)}};
    return outcome;
  }
}

}  // namespace

void ExecutionEngine::worker_loop() {
  std::unique_lock lock(mutex_);
  for (;;) {
    work_.wait(lock, [&] { return stop_workers_ || !rotation_.empty(); });
    if (rotation_.empty()) return;  // stopping, and nothing left to start
    UserExecutionEngine* user = rotation_.front();
    rotation_.pop_front();
    user->in_rotation = false;
    if (!user->can_start()) continue;  // its ready run was cancelled meanwhile
    auto run = user->start_next();
    run->phase = RunEntry::Phase::running;
    run->started_at = std::chrono::steady_clock::now();
    rotate_in_locked(*user);  // back at the end of the line if it has more
    lock.unlock();
    execute(run);
    run.reset();
    lock.lock();
  }
}

void ExecutionEngine::execute(const std::shared_ptr<RunEntry>& run) {
  const auto& context = run->context;
  const auto queue_wait = run->started_at - run->submitted_at;
  state_.record_started(run->user_id(), duration_cast<microseconds>(queue_wait));
  if (observer_) observer_->run_started(context.agent_name(), queue_wait);
  // The timeout the run was given when it was accepted (a reload may change it since).
  const auto timer = timer_.schedule(run->started_at + context.limits().run_timeout, run->control);
  spdlog::debug("[{}] run started: agent={}", context.correlation_id(), context.agent_name());

  std::optional<RunOutcome> outcome;
  try {
    if (!runs_store_.mark_running(run->run_id(), std::chrono::system_clock::now()))
      outcome = host_failure(context, "the run's record was no longer queued when it started",
                             store_, router_);
  } catch (const std::exception& e) {
    outcome = host_failure(context, std::string("could not record the run's start: ") + e.what(),
                           store_, router_);
  }
  if (!outcome) {
    std::unique_ptr<RunScope> scope;
    try {
      scope = factory_.open_scope(context, run->agent_class);
    } catch (const std::exception& e) {
      outcome = host_failure(context, std::string("could not prepare the run: ") + e.what(), store_,
                             router_);
    }
    if (scope) {
      try {
        outcome = scope->execute(run->input, *run->control);
      } catch (const std::exception& e) {
        // The event store refused an event: the run cannot get a stored terminal event.
        spdlog::error("[{}] the run ended without a stored terminal event: {}",
                      context.correlation_id(), e.what());
        RunOutcome failed;
        failed.status = std::string(database::run_status::failed);
        failed.error = boost::json::object{{"error_type", error_type::host},
                                           {"message", "the run's events could not be stored"}};
        outcome = std::move(failed);
      }
      scope.reset();  // everything the run owned is released here, in reverse order
    }
  }
  timer_.cancel(timer);
  finalize(run, std::move(*outcome), true);
}

void ExecutionEngine::end_unstarted(const std::shared_ptr<RunEntry>& run) {
  const auto cause = run->control->stop_cause().value_or(events::DeathCause::cancelled);
  RunOutcome outcome;
  try {
    outcome = end_unstarted_run(run->context, cause, store_, router_);
  } catch (const std::exception& e) {
    spdlog::error("[{}] the run's agent_death event could not be stored: {}",
                  run->context.correlation_id(), e.what());
    outcome.status = std::string(status_for(cause));
    outcome.error = boost::json::object{{"error_type", events::to_string(cause)},
                                        {"message", death_message(cause, run->context)}};
  }
  finalize(run, std::move(outcome), false);
}

void ExecutionEngine::finalize(const std::shared_ptr<RunEntry>& run, RunOutcome outcome,
                               bool started) {
  const auto& corr = run->context.correlation_id();
  // 1. The terminal event is durable before anyone can see the run as final.
  if (outcome.event_count > 0) {
    try {
      store_.flush();
    } catch (const std::exception& e) {
      spdlog::error("[{}] the run's events could not be stored ({}); writing its status anyway",
                    corr, e.what());
    }
  }
  // 2. The final status.
  try {
    runs_store_.mark_finished(run->run_id(), outcome.status, outcome.result, outcome.error,
                              std::chrono::system_clock::now());
  } catch (const std::exception& e) {
    spdlog::error("[{}] could not record the run's final status {}: {}", corr, outcome.status,
                  e.what());
  }
  // 3. Monitoring, the subscription, and the engine's own maps.
  const auto elapsed = started ? std::chrono::steady_clock::now() - run->started_at
                               : std::chrono::steady_clock::duration{0};
  const auto duration = duration_cast<microseconds>(elapsed);
  state_.record_finished(run->user_id(), outcome.status, started, duration);
  if (observer_)
    observer_->run_finished(
        run->context.agent_name(), outcome.status,
        started ? std::optional<std::chrono::nanoseconds>(elapsed) : std::nullopt);
  spdlog::info("[{}] run {}: agent={} events={} duration_ms={}", corr, outcome.status,
               run->context.agent_name(), outcome.event_count, duration.count() / 1000);
  run->subscription.reset();
  run->subscriber.reset();
  {
    std::lock_guard lock(mutex_);
    if (started) {
      release_thread_locked(run);
      auto& user = users_.at(run->user_id());
      user.finish_active();
      rotate_in_locked(user);
    }
    drop_if_idle_locked(run->user_id(), run->thread_id());
    runs_.erase(run->run_id());
    run_gone_.notify_all();
  }
  // 4. Final for everyone.
  run->finished.set_value(std::move(outcome));
}

}  // namespace agenthost::execution
