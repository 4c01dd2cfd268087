// ExecutionEngine: construction, cancel and shutdown.
#include "execution/execution_engine.hpp"

#include <spdlog/spdlog.h>

#include <stdexcept>

namespace agenthost::execution {

namespace {

// After the drain, how long stopped runs may take to get their final status written.
constexpr std::chrono::seconds kStatusWaitAtShutdown{5};

const EngineOptions& checked(const EngineOptions& options) {
  check_options(options);
  return options;
}

bool unstarted(const RunEntry& run) {
  return run.phase == RunEntry::Phase::waiting_for_thread || run.phase == RunEntry::Phase::ready;
}

}  // namespace

ExecutionEngine::ExecutionEngine(EngineOptions options,
                                 const registry::AgentClassRegistry& registry,
                                 database::DatabaseSessionManager& database,
                                 database::RunStore& runs, database::EventLog& store,
                                 events::EventRouter& router, RunObserver* observer,
                                 models::ModelServices models, RunDispatcher* dispatcher)
    : options_(checked(options)),
      registry_(registry),
      runs_store_(runs),
      store_(store),
      router_(router),
      factory_(registry, database, store, router, options.max_result_bytes, models),
      state_(ExecutionStateStore::Options{options.idle_user_stats_ttl,
                                          options.max_concurrent_runs_per_user}),
      observer_(observer),
      dispatcher_(dispatcher),
      limits_{options.max_concurrent_runs_per_user, options.max_queued_runs_per_user,
              options.run_timeout, options.input_timeout, options.max_waiting_runs_per_user},
      blocking_(options_.blocking_threads),
      scheduler_(
          fiber::FiberScheduler::Options{options_.worker_threads, options_.fiber_stack_size}) {}

ExecutionEngine::~ExecutionEngine() { shutdown(std::chrono::milliseconds(0)); }

void ExecutionEngine::update_limits(const RunLimits& limits) {
  check_limits(limits);
  EntryList startable;
  {
    std::lock_guard lock(mutex_);
    limits_ = limits;
    state_.set_user_capacity(limits.max_concurrent_runs_per_user);
    for (auto& [user_id, user] : users_) {
      user.set_limits(limits.max_concurrent_runs_per_user, limits.max_queued_runs_per_user);
      rotate_in_locked(user);  // a raised cap may let a waiting run start now
    }
    startable = take_startable_locked();
  }
  start(startable);
}

RunLimits ExecutionEngine::limits() const {
  std::lock_guard lock(mutex_);
  return limits_;
}

bool ExecutionEngine::cancel(std::string_view user_id, std::string_view run_id) {
  std::shared_ptr<RunEntry> run;
  bool detached = false;
  EntryList startable;  // the run's thread may pass to the next run
  {
    std::lock_guard lock(mutex_);
    auto it = runs_.find(std::string(run_id));
    if (it != runs_.end()) {
      run = it->second;
      if (run->user_id() != user_id) return false;
      if (unstarted(*run)) {
        detach_unstarted_locked(run);
        drop_if_idle_locked(run->user_id(), run->thread_id());
        detached = true;
        startable = take_startable_locked();
      }
    }
  }
  if (!run) {
    // Not in memory: finished (nothing to stop) or unknown; only this user's runs are
    // visible to the lookup. Asked without the engine's lock: it is database I/O.
    return runs_store_.find_run(std::string(run_id), std::string(user_id)).has_value();
  }
  // Outside the lock: the run's stop callbacks may do I/O (a PostgreSQL cancel).
  run->control->request_stop(events::DeathCause::cancelled);
  spdlog::info("[{}] run cancel requested", run->context.correlation_id());
  start(startable);
  if (detached) {
    end_unstarted(run);
    // The caller reads the run cancelled once this returns: its status is stored.
    run->ticket.finished.wait();
  }
  return true;
}

void ExecutionEngine::shutdown(std::chrono::milliseconds drain_timeout) {
  std::lock_guard shutdown_lock(shutdown_mutex_);
  if (shut_down_) return;
  const auto deadline = std::chrono::steady_clock::now() + drain_timeout;
  EntryList unstarted_runs;
  EntryList parked_unstarted;  // resumable: left queued in the store for the next start
  EntryList all;
  {
    std::unique_lock lock(mutex_);
    accepting_ = false;
    spdlog::info("execution engine shutting down: {} runs unfinished, draining for up to {} ms",
                 runs_.size(), drain_timeout.count());
    // Runs waiting for their user's answer would not end by themselves: the drain
    // waits for the others only.
    run_gone_.wait_until(lock, deadline, [&] { return runs_.size() == waiting_input_runs_; });
    // A submit admitted before accepting_ fell is about to queue its run: let it.
    run_gone_.wait(lock, [&] { return submits_in_flight_ == 0; });
    if (!runs_.empty())
      spdlog::warn("execution engine: stopping {} runs still unfinished after the drain",
                   runs_.size());
    for (const auto& [id, run] : runs_) {
      all.push_back(run);
      const bool resumable = run->agent_class.info.resumable;
      if (resumable) run->parked = true;
      if (unstarted(*run)) {
        detach_unstarted_locked(run);
        (resumable ? parked_unstarted : unstarted_runs).push_back(run);
      }
    }
    for (const auto& list : {&unstarted_runs, &parked_unstarted})
      for (const auto& run : *list) drop_if_idle_locked(run->user_id(), run->thread_id());
  }
  // A resumable run stays unfinished in the store: no event of it may be stored from
  // here on (not even its agent_death), so that the next start resumes it.
  for (const auto& run : all)
    if (run->parked) run->user_input->close_emitter();
  // Outside the lock: stop callbacks may do I/O.
  for (const auto& run : all) run->control->request_stop(events::DeathCause::shutdown);
  all.clear();
  for (const auto& run : unstarted_runs) end_unstarted(run);
  for (const auto& run : parked_unstarted) finalize(run, RunOutcome{}, false);
  {
    std::unique_lock lock(mutex_);
    // A run ends once its final status is written; a database that does not answer
    // must not hold the shutdown forever.
    if (!run_gone_.wait_for(lock, kStatusWaitAtShutdown, [&] { return runs_.empty(); })) {
      spdlog::warn(
          "execution engine: {} runs still wait for their final status to be written; "
          "giving up waiting (the event log keeps the writes queued)",
          runs_.size());
      abandon_status_waits_.request_stop();  // runs waiting in write_run
      lock.unlock();
      give_up_status_writes(false);  // settles their runs
      lock.lock();
      run_gone_.wait(lock, [&] { return runs_.empty(); });
    }
  }
  // Statuses kept unrecorded and written again meanwhile: nothing may call back into
  // this engine once it is gone.
  give_up_status_writes(true);
  scheduler_.stop();  // the last fibers return from their final step
  shut_down_ = true;
  spdlog::info("execution engine stopped");
}

}  // namespace agenthost::execution
