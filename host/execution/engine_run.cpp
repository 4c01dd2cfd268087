// ExecutionEngine: starting runs as fibers, and how every run ends.
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

ExecutionEngine::EntryList ExecutionEngine::take_startable_locked() {
  EntryList startable;
  while (active_runs_ < options_.max_active_runs && !rotation_.empty()) {
    UserExecutionEngine* user = rotation_.front();
    rotation_.pop_front();
    user->in_rotation = false;
    if (!user->can_start()) continue;  // its ready run was cancelled meanwhile
    auto run = user->start_next();
    run->phase = RunEntry::Phase::running;
    run->started_at = std::chrono::steady_clock::now();
    rotate_in_locked(*user);  // back at the end of the line if it has more
    ++active_runs_;
    startable.push_back(std::move(run));
  }
  return startable;
}

void ExecutionEngine::start(const EntryList& runs) {
  for (const auto& run : runs) scheduler_.spawn(run->waiter, [this, run] { execute(run); });
}

void ExecutionEngine::execute(const std::shared_ptr<RunEntry>& run) {
  const auto& context = run->context;
  const auto queue_wait = run->started_at - run->submitted_at;
  state_.record_started(run->user_id(), duration_cast<microseconds>(queue_wait));
  if (observer_) observer_->run_started(context.agent_name(), queue_wait);
  // The timeout the run was given when it was accepted (a reload may change it since).
  run->deadline = run->started_at + context.limits().run_timeout;
  run->run_timer = timer_.schedule(run->deadline, run->control);
  spdlog::debug("[{}] run started: agent={}", context.correlation_id(), context.agent_name());

  std::optional<RunOutcome> outcome;
  try {
    bool marked = false;  // the host's record write waits off this worker thread
    run->waiter->run_blocking([&] {
      marked = runs_store_.mark_running(run->run_id(), std::chrono::system_clock::now());
    });
    if (!marked)
      outcome = host_failure(context, "the run's record was no longer queued when it started",
                             store_, router_);
  } catch (const std::exception& e) {
    outcome = host_failure(context, std::string("could not record the run's start: ") + e.what(),
                           store_, router_);
  }
  if (!outcome) {
    std::unique_ptr<RunScope> scope;
    try {
      scope = factory_.open_scope(context, run->agent_class, *run->waiter);
    } catch (const std::exception& e) {
      outcome = host_failure(context, std::string("could not prepare the run: ") + e.what(), store_,
                             router_);
    }
    if (scope) {
      run->user_input->attach(scope->emitter());
      try {
        if (run->resumed_after_seq > 0) announce_resumed(*run, scope->emitter());
        outcome = scope->execute(run->input, *run->control);
      } catch (const std::exception& e) {
        // The event store refused an event: the run cannot get a stored terminal event.
        // (Or shutdown parked the run: its emitter was closed on purpose.)
        if (run->parked)
          spdlog::info("[{}] run left unfinished, to resume at the next start",
                       context.correlation_id());
        else
          spdlog::error("[{}] the run ended without a stored terminal event: {}",
                        context.correlation_id(), e.what());
        RunOutcome failed;
        failed.status = std::string(database::run_status::failed);
        failed.error = boost::json::object{{"error_type", error_type::host},
                                           {"message", "the run's events could not be stored"}};
        outcome = std::move(failed);
      }
      run->user_input->detach();
      scope.reset();  // everything the run owned is released here, in reverse order
    }
  }
  timer_.cancel(run->run_timer);
  finalize(run, std::move(*outcome), true);
}

void ExecutionEngine::announce_resumed(RunEntry& run, events::UserEventEmitter& emitter) {
  emitter.continue_after(run.resumed_after_seq);
  const bool from_checkpoint = run.user_input->last_checkpoint().has_value();
  emitter.emit_host("agent_resumed",
                    boost::json::object{{"message",
                                         "the host restarted; the run continues in a new "
                                         "instance of its agent"},
                                        {"after_seq", run.resumed_after_seq},
                                        {"from_checkpoint", from_checkpoint}});
  spdlog::info("[{}] run resumed after seq {} (checkpoint: {})", run.context.correlation_id(),
               run.resumed_after_seq, from_checkpoint);
}

void ExecutionEngine::end_unstarted(const std::shared_ptr<RunEntry>& run) {
  const auto cause = run->control->stop_cause().value_or(events::DeathCause::cancelled);
  RunOutcome outcome;
  try {
    outcome = end_unstarted_run(run->context, cause, store_, router_, run->resumed_after_seq);
  } catch (const std::exception& e) {
    spdlog::error("[{}] the run's agent_death event could not be stored: {}",
                  run->context.correlation_id(), e.what());
    outcome.status = std::string(status_for(cause));
    outcome.error = boost::json::object{{"error_type", events::to_string(cause)},
                                        {"message", death_message(cause, run->context)}};
  }
  finalize(run, std::move(outcome), false);
}

void ExecutionEngine::record_final_status(RunEntry& run, const RunOutcome& outcome) {
  constexpr int kAttempts = 8;  // 50 ms doubling: about 13 s in all
  auto backoff = std::chrono::milliseconds(50);
  std::string error;
  for (int attempt = 1;; ++attempt) {
    bool recorded = false;
    run.waiter->run_blocking([&] {
      try {
        runs_store_.mark_finished(run.run_id(), outcome.status, outcome.result, outcome.error,
                                  std::chrono::system_clock::now());
        recorded = true;
      } catch (const std::exception& e) {
        error = e.what();
      }
    });
    if (recorded) return;
    if (attempt == kAttempts) break;
    spdlog::warn("[{}] could not record the run's final status {} (attempt {} of {}): {}",
                 run.context.correlation_id(), outcome.status, attempt, kAttempts, error);
    run.waiter->sleep_until(std::chrono::steady_clock::now() + backoff, std::stop_token{});
    backoff *= 2;
  }
  status_write_failures_.fetch_add(1, std::memory_order_relaxed);
  spdlog::error(
      "[{}] the run's final status {} could not be recorded after {} attempts ({}); its stored "
      "record stays unfinished until the next start marks it interrupted",
      run.context.correlation_id(), outcome.status, kAttempts, error);
}

void ExecutionEngine::finalize(const std::shared_ptr<RunEntry>& run, RunOutcome outcome,
                               bool started) {
  const auto& corr = run->context.correlation_id();
  // A run shutdown parked, without a terminal event: left unfinished in the store.
  const bool parked = run->parked && outcome.event_count == 0;
  if (parked) {
    outcome.status = std::string(database::run_status::interrupted);
    outcome.error = boost::json::object{
        {"error_type", "shutdown"}, {"message", "left unfinished, to resume at the next start"}};
  }
  // 1 and 2 wait for the database: on the blocking pool when called on the run's
  // fiber (its worker thread carries other runs meanwhile), inline otherwise.
  // 1. The terminal event is durable before anyone can see the run as final.
  if (outcome.event_count > 0 && !parked) {
    run->waiter->run_blocking([&] {
      try {
        store_.flush();
      } catch (const std::exception& e) {
        spdlog::error("[{}] the run's events could not be stored ({}); writing its status anyway",
                      corr, e.what());
      }
    });
  }
  // 2. The final status, retried: a run left "running" in the store could be neither
  // cancelled nor resumed until the next restart.
  if (!parked) record_final_status(*run, outcome);
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
  EntryList startable;  // the freed slot, thread and user cap may let runs start
  {
    std::lock_guard lock(mutex_);
    if (started) {
      release_thread_locked(run);
      auto& user = users_.at(run->user_id());
      user.finish_active();
      rotate_in_locked(user);
      --active_runs_;
    }
    drop_if_idle_locked(run->user_id(), run->thread_id());
    startable = take_startable_locked();
    runs_.erase(run->run_id());
    run_gone_.notify_all();
  }
  start(startable);
  // 4. Final for everyone.
  run->finished.set_value(std::move(outcome));
}

}  // namespace agenthost::execution
