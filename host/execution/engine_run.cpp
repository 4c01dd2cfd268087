// ExecutionEngine: starting runs as fibers, and how every run ends.
#include <spdlog/spdlog.h>

#include <exception>
#include <utility>

#include <boost/json/serialize.hpp>

#include "database/run_record.hpp"
#include "database/time_columns.hpp"
#include "events/host_events.hpp"
#include "events/user_event_emitter.hpp"
#include "execution/execution_engine.hpp"

namespace agenthost::execution {
namespace {

using std::chrono::duration_cast;
using std::chrono::microseconds;

constexpr const char* kNotConfirmedAtShutdown =
    "not confirmed before shutdown (the database did not answer); the write stays queued in "
    "the event log";

// Ends a run whose agent never ran, through a fresh emitter of the run (nothing was
// emitted for it before). When not even its terminal event can be stored, the outcome
// is recorded all the same.
// `after_seq`: a resumed run's last stored seq (its events continue after it).
RunOutcome end_without_agent(const agenthost::ExecutionContext& context, RunEnding ending,
                             std::uint64_t after_seq, events::EventStore& store,
                             events::EventRouter& router) {
  events::UserEventEmitter emitter(context, store, router);
  emitter.continue_after(after_seq);
  try {
    return emit_ending(emitter, std::move(ending));
  } catch (const std::exception& e) {
    spdlog::error("[{}] the run's {} event could not be stored: {}", context.correlation_id(),
                  ending.event_type, e.what());
    return std::move(ending).unstored();
  }
}

// A run the host itself could not carry out: agent_error host_error.
RunOutcome host_failure(const RunEntry& run, const std::string& message, events::EventStore& store,
                        events::EventRouter& router) {
  spdlog::error("[{}] {}", run.context.correlation_id(), message);
  return end_without_agent(run.context, RunEnding::failed(error_type::host, message, true),
                           run.resumed_after_seq, store, router);
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
  if (auto error = record_start(*run))
    outcome = host_failure(*run, "could not record the run's start: " + *error, store_, router_);
  if (!outcome && dispatcher_ && dispatcher_->dispatches(run->agent_class)) {
    outcome = dispatcher_->execute(*run, [&](events::UserEventEmitter& emitter) {
      run->user_input->attach(emitter);
      if (run->resumed_after_seq > 0) announce_resumed(*run, emitter);
    });
    run->user_input->detach();
  } else if (!outcome) {
    std::unique_ptr<RunScope> scope;
    try {
      scope = factory_.open_scope(context, run->agent_class, *run->waiter);
    } catch (const std::exception& e) {
      outcome = host_failure(*run, std::string("could not prepare the run: ") + e.what(), store_,
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
        outcome = RunEnding::failed(error_type::host, "the run's events could not be stored", true)
                      .unstored();
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
                    events::resumed_payload(
                        "the host restarted; the run continues in a new instance of its agent",
                        run.resumed_after_seq, from_checkpoint));
  spdlog::info("[{}] run resumed after seq {} (checkpoint: {})", run.context.correlation_id(),
               run.resumed_after_seq, from_checkpoint);
}

void ExecutionEngine::end_unstarted(const std::shared_ptr<RunEntry>& run) {
  const auto cause = run->control->stop_cause().value_or(events::DeathCause::cancelled);
  auto outcome =
      end_without_agent(run->context, RunEnding::stopped(cause, death_message(cause, run->context)),
                        run->resumed_after_seq, store_, router_);
  finalize(run, std::move(outcome), false);
}

std::optional<std::string> ExecutionEngine::record_start(const RunEntry& run) {
  // Not waited for: the writer stores the change before any event the run emits after
  // it (one order for both), so waiting would only add a round trip to the writer to
  // every run. Should the database refuse it, the run still runs; its final status
  // applies to a queued record as well, so the record ends right all the same.
  try {
    store_.write_run(database::RunWrite::start(
                         run.run_id(), database::to_epoch_ms(std::chrono::system_clock::now())),
                     [corr = run.context.correlation_id()](database::WriteResult r) {
                       if (!r.error.empty())
                         spdlog::error(
                             "[{}] the run's start could not be recorded ({}); its final status "
                             "is written as usual",
                             corr, r.error);
                       else if (!r.moved)
                         spdlog::error("[{}] the run's record was no longer queued when it started",
                                       corr);
                     });
  } catch (const std::exception& e) {  // the event log is stopping
    return e.what();
  }
  return std::nullopt;
}

database::WriteResult ExecutionEngine::write_run(RunEntry& run, database::RunWrite write) {
  database::WriteResult result;
  std::uint64_t ticket = 0;
  const bool written = run.waiter->await(
      [&](std::function<void()> wake) {
        ticket = store_.write_run(std::move(write),
                                  [&result, wake = std::move(wake)](database::WriteResult r) {
                                    result = std::move(r);
                                    wake();
                                  });
      },
      [&] { return store_.abandon_write(ticket); }, abandon_status_waits_.get_token());
  if (!written) result.error = kNotConfirmedAtShutdown;
  return result;
}

namespace {

database::RunWrite final_status_write(const std::string& run_id, const RunOutcome& outcome) {
  auto json_text = [](const std::optional<boost::json::value>& v) -> std::optional<std::string> {
    if (!v) return std::nullopt;
    return boost::json::serialize(*v);
  };
  return database::RunWrite::finish(run_id, outcome.status, json_text(outcome.result),
                                    json_text(outcome.error),
                                    database::to_epoch_ms(std::chrono::system_clock::now()));
}

}  // namespace

void ExecutionEngine::write_final_status(const std::string& run_id, const RunOutcome& outcome,
                                         StatusWritten written) {
  try {
    // Held across write_run: the writer's completion looks the write up under it, so
    // it finds the write registered even when the commit comes before write_run returns.
    std::lock_guard lock(status_writes_mutex_);
    const auto ticket = store_.write_run(final_status_write(run_id, outcome),
                                         [this, run_id](database::WriteResult result) {
                                           StatusWritten done;
                                           {
                                             std::lock_guard found(status_writes_mutex_);
                                             const auto it = status_writes_.find(run_id);
                                             if (it == status_writes_.end())
                                               return;  // given up by shutdown
                                             done = std::move(it->second.written);
                                             status_writes_.erase(it);
                                             ++status_answers_running_;
                                           }
                                           done(std::move(result));
                                           std::lock_guard answered(status_writes_mutex_);
                                           --status_answers_running_;
                                           status_answered_.notify_all();
                                         });
    status_writes_[run_id] = {ticket, std::move(written)};
  } catch (const std::exception& e) {  // the event log is stopping
    database::WriteResult result;
    result.error = e.what();
    written(std::move(result));
    return;
  }
  // Queued after shutdown gave up waiting (a run its stop ended just then): given up
  // at once, or shutdown would wait for it.
  if (abandon_status_waits_.stop_requested()) give_up_status_writes(false);
}

void ExecutionEngine::give_up_status_writes(bool wait_for_answers) {
  std::vector<StatusWritten> given_up;
  {
    std::unique_lock lock(status_writes_mutex_);
    std::erase_if(status_writes_, [&](auto& entry) {
      if (!store_.abandon_write(entry.second.ticket)) return false;  // being answered
      given_up.push_back(std::move(entry.second.written));
      return true;
    });
    // Shutdown's last call: the engine may go next (the writer thread stays), so the
    // answers being given finish first.
    if (wait_for_answers) status_answered_.wait(lock, [&] { return status_answers_running_ == 0; });
  }
  for (auto& written : given_up) {
    database::WriteResult result;
    result.error = kNotConfirmedAtShutdown;
    written(std::move(result));
  }
}

void ExecutionEngine::record_final_status(const std::shared_ptr<RunEntry>& run,
                                          RunOutcome outcome) {
  auto written = [this, run, outcome](database::WriteResult result) mutable {
    const auto& corr = run->context.correlation_id();
    for (const auto& refusal : store_.take_refusals(run->run_id()))
      spdlog::error("[{}] an event of the run was not stored: {}", corr, refusal);
    if (result.error.empty()) {
      // The database takes writes: any kept statuses too, before the run settles.
      retry_unrecorded_statuses(
          [this, run, outcome = std::move(outcome)]() mutable { settle(run, std::move(outcome)); });
      return;
    }
    status_write_failures_.fetch_add(1, std::memory_order_relaxed);
    spdlog::error(
        "[{}] the run's final status {} could not be recorded ({}); kept, and written again "
        "once another run's status is (a restart marks it interrupted)",
        corr, outcome.status, result.error);
    {
      std::lock_guard lock(unrecorded_mutex_);
      unrecorded_.push_back({run->run_id(), corr, outcome});
    }
    settle(run, std::move(outcome));
  };
  const auto run_id = run->run_id();
  write_final_status(run_id, outcome, std::move(written));
}

void ExecutionEngine::retry_unrecorded_statuses(std::function<void()> then) {
  std::vector<UnrecordedStatus> pending;
  {
    std::lock_guard lock(unrecorded_mutex_);
    pending.swap(unrecorded_);
  }
  if (pending.empty()) return then();
  // `then` runs once the last of them is answered.
  auto left = std::make_shared<std::atomic<std::size_t>>(pending.size());
  auto last = std::make_shared<std::function<void()>>(std::move(then));
  for (auto& u : pending) {
    // Not applying any more (moved false) means it was written meanwhile: the event
    // log kept a write the database had not answered and applied it later.
    auto written = [this, u, left, last](database::WriteResult result) {
      if (result.error.empty()) {
        spdlog::info("[{}] the run's final status {} is recorded at last", u.correlation_id,
                     u.outcome.status);
      } else {
        std::lock_guard lock(unrecorded_mutex_);
        unrecorded_.push_back(u);
      }
      if (left->fetch_sub(1) == 1) (*last)();
    };
    write_final_status(u.run_id, u.outcome, std::move(written));
  }
}

std::size_t ExecutionEngine::unrecorded_statuses() const {
  std::lock_guard lock(unrecorded_mutex_);
  return unrecorded_.size();
}

void ExecutionEngine::finalize(const std::shared_ptr<RunEntry>& run, RunOutcome outcome,
                               bool started) {
  const auto& corr = run->context.correlation_id();
  // A run shutdown parked, without a terminal event: it has not ended, and stays
  // unfinished in the store, to resume at the next start (no status is written).
  const bool parked = run->parked && outcome.event_count == 0;
  if (parked) {
    outcome.status = std::string(database::run_status::interrupted);  // for monitoring
    outcome.error = boost::json::object{
        {"error_type", "shutdown"}, {"message", "left unfinished, to resume at the next start"}};
  }
  // 1. Monitoring, and the run's places in the engine: its slot, thread and user cap
  // may let the next runs start now (their writes queue behind this run's).
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
  EntryList startable;
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
  }
  start(startable);
  // 2. The final status, after the run's events (the terminal one included) in the
  // event log's writer, so one commit makes both durable: the terminal event is never
  // seen stored after the status. Its commit settles the run, on the writer's thread:
  // nothing waits for it here, and the run's fiber ends now. A run left "running" in
  // the store could be neither cancelled nor resumed until the next restart: a failed
  // write is kept and retried.
  if (parked)
    settle(run, std::move(outcome));
  else
    record_final_status(run, std::move(outcome));
}

void ExecutionEngine::settle(const std::shared_ptr<RunEntry>& run, RunOutcome outcome) {
  // The subscription goes only now: the terminal event reaches the client when the
  // batch holding it commits, which is no later than the status's.
  run->subscription.reset();
  run->subscriber.reset();
  {
    std::lock_guard lock(mutex_);
    runs_.erase(run->run_id());
    run_gone_.notify_all();
  }
  run->finished.set_value(std::move(outcome));  // final for everyone
}

}  // namespace agenthost::execution
