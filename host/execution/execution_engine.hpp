#pragma once
/// \file
/// ExecutionEngine: accepts runs, queues them per user and per thread, runs their
/// agents as fibers on a few worker threads, stops them on cancel, interrupt,
/// timeout or shutdown, and records how each one ended.
///
/// Runs as fibers (host/fiber). A started run is a fiber on one of
/// `worker_threads` threads. When it waits (sleep_for, a database session, a
/// blocking call through run_blocking or a scoped transaction) it is suspended and
/// its thread runs other runs, so a waiting run costs its fiber's touched stack and
/// its records (a few KiB), not a thread, and no database session unless its agent
/// holds a run-level transaction. The host's own blocking work for a run (its
/// record at start and end) goes to the blocking pool, fair by user.
///
/// Scheduling. Each user with accepted, unfinished runs has a UserExecutionEngine
/// (cap: max_concurrent_runs_per_user started, max_queued_runs_per_user waiting).
/// A thread runs one run at a time; a run becomes "ready" only when it is its
/// thread's current run. Ready runs start round-robin across users while fewer than
/// max_active_runs are started, so a user with a hundred queued runs delays another
/// user's next start by at most one run per waiting user, and only when the host
/// is full. Maps of users, threads and runs hold only unfinished runs' state: they
/// shrink back to empty when the host is idle.
///
/// Ending a run. The run's fiber builds its RunScope, which runs the agent and emits
/// its terminal event; then the engine flushes the event store (the terminal event is
/// durable), writes the final status (RunStore::mark_finished), updates the
/// monitoring figures and only then completes RunTicket::finished. A run stopped
/// while still queued gets no agent: its only event is agent_death (seq 1).
///
/// How runs end (status / terminal event):
///  - run() returned, not stopped, commit succeeded: completed / agent_completed;
///  - run(), the agent's constructor or the commit failed: failed / agent_error;
///  - cancelled by its user: cancelled / agent_death cause "cancelled";
///  - over run_timeout: timed_out / agent_death cause "timeout";
///  - replaced by a run submitted with strategy interrupt: interrupted / agent_death
///    cause "interrupted";
///  - stopped by shutdown(): interrupted / agent_death cause "shutdown" (ended by the
///    host, not by the user or the agent: resubmitting is the remedy).
/// A run that started emits agent_started first; one stopped before that emits its
/// terminal event alone, with seq 1.
///
/// Locks and I/O: no lock shared by users is held across database I/O or a stop
/// callback (a PostgreSQL statement cancel opens a connection). submit() reserves its
/// place under the engine's lock (the user's queue, the thread's turn), so the limit
/// and thread-busy checks stay exact, writes the run's record without any lock, then
/// queues the run (or gives the reservation back when the write failed). Stop
/// requests (cancel, interrupt, shutdown) are decided under the lock and made after
/// it is released.
///
/// Stopping: cancel, timeout, interrupt and shutdown trigger the run's stop token;
/// a run suspended in a wait is woken at once (its wait returns or throws), and a
/// statement its agent runs is interrupted. An agent that ignores its token keeps its
/// fiber (and, while it computes without waiting, its worker thread).

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "database/database_session_manager.hpp"
#include "database/run_store.hpp"
#include "events/event_router.hpp"
#include "events/event_sink.hpp"
#include "events/event_store.hpp"
#include "execution/agent_instance_factory.hpp"
#include "execution/engine_types.hpp"
#include "execution/execution_state_store.hpp"
#include "execution/run_entry.hpp"
#include "execution/run_observer.hpp"
#include "execution/run_timer.hpp"
#include "execution/user_execution_engine.hpp"
#include "fiber/blocking_pool.hpp"
#include "fiber/fiber_scheduler.hpp"
#include "registry/agent_class_registry.hpp"

namespace agenthost::execution {

class ExecutionEngine {
 public:
  /// Starts the worker threads, the blocking pool and the timeout timer. Everything
  /// passed by reference must outlive the engine; `database` is the agents' pool.
  /// `models`: the model endpoints every run's models() calls (null: none configured).
  /// Throws std::invalid_argument for a bad option (see check_options) or a registry
  /// that is not frozen.
  ExecutionEngine(EngineOptions options, const registry::AgentClassRegistry& registry,
                  database::DatabaseSessionManager& database, database::RunStore& runs,
                  events::EventStore& store, events::EventRouter& router,
                  RunObserver* observer = nullptr, models::ModelServices models = {});
  /// shutdown(0 ms) if shutdown() was not called: running runs are stopped (cause
  /// shutdown) and waited for.
  ~ExecutionEngine();
  ExecutionEngine(const ExecutionEngine&) = delete;
  ExecutionEngine& operator=(const ExecutionEngine&) = delete;

  /// Accepts a run: checks it, creates its thread when request.thread_id is absent
  /// (or names a thread this user does not have yet), stores it as queued, applies
  /// the multitask strategy and queues it. When `subscriber` is given it is
  /// subscribed to the run before the run can emit anything (so it sees every event,
  /// agent_started included) until the run is final; the engine keeps the sink alive
  /// that long. Any thread; submits are serialised (each writes the run to the
  /// database). Throws RunRefused with code:
  ///  - invalid: a bad user or thread id or metadata (the message names the field);
  ///  - unknown_agent: no such agent class;
  ///  - not_found: the thread belongs to another user (it looks absent);
  ///  - limit: the user already has max_queued_runs_per_user runs waiting;
  ///  - thread_busy: strategy reject and the thread has a run;
  ///  - shutting_down: shutdown() was called.
  /// Throws database::DatabaseError when the run cannot be stored.
  RunTicket submit(RunRequest request, std::shared_ptr<events::EventSink> subscriber = nullptr);

  /// Stops run `run_id` of `user_id` (cause cancelled). A queued run ends at once,
  /// without an agent; a running run's token is triggered and it ends cancelled when
  /// its run() returns. Idempotent. Returns true when this user has such a run
  /// (running, queued or already finished), false otherwise: another user's run id
  /// looks exactly like an unknown one. Any thread; may write to the database (the
  /// run's terminal event and status when it was queued). Throws
  /// database::DatabaseError only when the lookup of a run no longer in memory fails.
  bool cancel(std::string_view user_id, std::string_view run_id);

  /// Stops accepting runs (shutting_down), lets accepted runs (queued ones included)
  /// go on until `drain_timeout`, then stops the rest with agent_death cause
  /// shutdown (status interrupted), waits until every run is final and every scope
  /// released, and stops the worker threads, the blocking pool and the timer.
  /// Idempotent; any thread except a worker (an agent) or a sink.
  void shutdown(std::chrono::milliseconds drain_timeout);

  /// Monitoring figures (per user and host-wide).
  /// Replaces the per-user limits (a reload): runs submitted from now on are
  /// admitted against the new caps and get the new run_timeout; runs already
  /// accepted keep the run_timeout they were given. A raised concurrency cap lets
  /// waiting runs start at once; a lowered one lets running runs finish and starts
  /// no more of that user's until it is under the cap. Throws std::invalid_argument
  /// (see check_limits), leaving the limits unchanged. Any thread.
  void update_limits(const RunLimits& limits);
  RunLimits limits() const;

  ExecutionStateStore& state() noexcept { return state_; }
  const ExecutionStateStore& state() const noexcept { return state_; }

  /// Sizes of the engine's internal maps, to check that nothing grows when idle.
  struct Occupancy {
    std::size_t runs = 0;     ///< accepted and not final
    std::size_t users = 0;    ///< UserExecutionEngines
    std::size_t threads = 0;  ///< threads with a current or waiting run
    std::size_t timers = 0;   ///< pending run deadlines
    std::size_t active = 0;   ///< started and not ended (running or waiting)
  };
  Occupancy occupancy() const;

  const EngineOptions& options() const noexcept { return options_; }

  /// Runs whose final status could not be written even after retries (their stored
  /// record stays unfinished until the next start); 0 on a healthy host.
  std::uint64_t status_write_failures() const noexcept {
    return status_write_failures_.load(std::memory_order_relaxed);
  }

 private:
  struct ThreadSlot {
    std::string user_id;
    std::shared_ptr<RunEntry> current;  // holds the thread: ready, running or ending
    std::deque<std::shared_ptr<RunEntry>> waiting;
    std::uint32_t reserved = 0;  // submits between their admission and their queueing

    bool busy() const noexcept { return current || !waiting.empty() || reserved > 0; }
  };
  using EntryList = std::vector<std::shared_ptr<RunEntry>>;

  // submit(), in engine_submit.cpp.
  /// Refuses the run (RunRefused) or reserves its place (the user's queue, the
  /// thread's turn) and returns the limits it is admitted under.
  RunLimits admit_locked(const RunRequest& request, const std::string& thread_id);
  /// Gives back a reservation whose run was not stored.
  void cancel_reservation_locked(const std::string& user_id, const std::string& thread_id);
  void store_run(const database::RunRecord& record, bool client_thread);
  /// Queues a reserved run; returns the runs its strategy stops (`stopped`: still
  /// running, to be stopped by the caller after the lock; the rest are detached).
  EntryList enqueue_locked(const std::shared_ptr<RunEntry>& run, MultitaskStrategy strategy,
                           EntryList& stopped);

  // Starting runs and ending them, in engine_run.cpp.
  /// Takes ready runs in turn while fewer than max_active_runs are started; the
  /// caller starts them (start()) once it has released the lock.
  EntryList take_startable_locked();
  void start(const EntryList& runs);
  void execute(const std::shared_ptr<RunEntry>& run);  // on the run's fiber
  void end_unstarted(const std::shared_ptr<RunEntry>& run);
  void finalize(const std::shared_ptr<RunEntry>& run, RunOutcome outcome, bool started);
  /// RunStore::mark_finished, retried with backoff (the run waits, suspended).
  void record_final_status(RunEntry& run, const RunOutcome& outcome);

  // Queue bookkeeping, under mutex_, in engine_queues.cpp.
  UserExecutionEngine& user_locked(const std::string& user_id);
  void make_ready_locked(const std::shared_ptr<RunEntry>& run);
  void rotate_in_locked(UserExecutionEngine& user);
  void detach_unstarted_locked(const std::shared_ptr<RunEntry>& run);
  void release_thread_locked(const std::shared_ptr<RunEntry>& run);
  void drop_if_idle_locked(const std::string& user_id, const std::string& thread_id);

  const EngineOptions options_;
  const registry::AgentClassRegistry& registry_;
  database::RunStore& runs_store_;
  events::EventStore& store_;
  events::EventRouter& router_;
  const AgentInstanceFactory factory_;
  ExecutionStateStore state_;
  RunObserver* const observer_;  // may be null
  std::atomic<std::uint64_t> status_write_failures_{0};

  std::mutex shutdown_mutex_;
  bool shut_down_ = false;  // guarded by shutdown_mutex_

  mutable std::mutex mutex_;          // everything below
  std::condition_variable run_gone_;  // shutdown: runs_ shrank
  std::unordered_map<std::string, std::shared_ptr<RunEntry>> runs_;
  std::unordered_map<std::string, UserExecutionEngine> users_;
  std::unordered_map<std::string, ThreadSlot> threads_;
  std::deque<UserExecutionEngine*> rotation_;  // users that can start a run, round-robin
  std::uint32_t active_runs_ = 0;              // started and not ended
  bool accepting_ = true;                      // until shutdown()
  std::uint32_t submits_in_flight_ = 0;        // admitted, not yet queued or refused
  RunLimits limits_;

  RunTimer timer_;
  // Last: started once everything above exists, stopped first (after every run ended).
  fiber::BlockingPool blocking_;
  fiber::FiberScheduler scheduler_;
};

}  // namespace agenthost::execution
