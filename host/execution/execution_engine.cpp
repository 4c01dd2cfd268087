// ExecutionEngine: construction, cancel and shutdown.
#include "execution/execution_engine.hpp"

#include <spdlog/spdlog.h>

#include <stdexcept>

namespace agenthost::execution {
namespace {

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
                                 database::RunStore& runs, events::EventStore& store,
                                 events::EventRouter& router, RunObserver* observer)
    : options_(checked(options)),
      registry_(registry),
      runs_store_(runs),
      store_(store),
      router_(router),
      factory_(registry, database, store, router, options.max_result_bytes),
      state_(ExecutionStateStore::Options{options.idle_user_stats_ttl, options.worker_threads,
                                          options.max_concurrent_runs_per_user}),
      observer_(observer),
      limits_{options.max_concurrent_runs_per_user, options.max_queued_runs_per_user,
              options.run_timeout} {
  try {
    workers_.reserve(options_.worker_threads);
    for (std::uint32_t i = 0; i < options_.worker_threads; ++i)
      workers_.emplace_back([this] { worker_loop(); });
  } catch (...) {
    {
      std::lock_guard lock(mutex_);
      stop_workers_ = true;
    }
    work_.notify_all();
    for (auto& w : workers_) w.join();
    throw;
  }
}

ExecutionEngine::~ExecutionEngine() { shutdown(std::chrono::milliseconds(0)); }

void ExecutionEngine::update_limits(const RunLimits& limits) {
  check_limits(limits);
  std::lock_guard lock(mutex_);
  limits_ = limits;
  for (auto& [user_id, user] : users_) {
    user.set_limits(limits.max_concurrent_runs_per_user, limits.max_queued_runs_per_user);
    rotate_in_locked(user);  // a raised cap may let a waiting run start now
  }
}

RunLimits ExecutionEngine::limits() const {
  std::lock_guard lock(mutex_);
  return limits_;
}

bool ExecutionEngine::cancel(std::string_view user_id, std::string_view run_id) {
  std::shared_ptr<RunEntry> queued;
  {
    std::lock_guard lock(mutex_);
    auto it = runs_.find(std::string(run_id));
    if (it != runs_.end()) {
      const auto& run = it->second;
      if (run->user_id() != user_id) return false;
      run->control->request_stop(events::DeathCause::cancelled);
      if (unstarted(*run)) {
        detach_unstarted_locked(run);
        drop_if_idle_locked(run->user_id(), run->thread_id());
        queued = run;
      }
      spdlog::info("[{}] run cancel requested", run->context.correlation_id());
    } else {
      // Not in memory: finished (nothing to stop) or unknown; only this user's runs
      // are visible to the lookup below.
      return runs_store_.find_run(std::string(run_id), std::string(user_id)).has_value();
    }
  }
  if (queued) end_unstarted(queued);
  return true;
}

void ExecutionEngine::shutdown(std::chrono::milliseconds drain_timeout) {
  std::lock_guard shutdown_lock(shutdown_mutex_);
  if (shut_down_) return;
  {
    std::lock_guard lock(submit_mutex_);
    accepting_ = false;
  }
  const auto deadline = std::chrono::steady_clock::now() + drain_timeout;
  EntryList queued;
  {
    std::unique_lock lock(mutex_);
    spdlog::info("execution engine shutting down: {} runs unfinished, draining for up to {} ms",
                 runs_.size(), drain_timeout.count());
    run_gone_.wait_until(lock, deadline, [&] { return runs_.empty(); });
    if (!runs_.empty())
      spdlog::warn("execution engine: stopping {} runs still unfinished after the drain",
                   runs_.size());
    for (const auto& [id, run] : runs_) {
      run->control->request_stop(events::DeathCause::shutdown);
      if (unstarted(*run)) {
        detach_unstarted_locked(run);
        queued.push_back(run);
      }
    }
    for (const auto& run : queued) drop_if_idle_locked(run->user_id(), run->thread_id());
  }
  for (const auto& run : queued) end_unstarted(run);
  {
    std::unique_lock lock(mutex_);
    run_gone_.wait(lock, [&] { return runs_.empty(); });
    stop_workers_ = true;
  }
  work_.notify_all();
  for (auto& w : workers_) w.join();
  shut_down_ = true;
  spdlog::info("execution engine stopped");
}

}  // namespace agenthost::execution
