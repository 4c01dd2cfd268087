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
/// its terminal event (a RunEnding, run_outcome.hpp); then the engine queues the final
/// status in the event log behind the run's events (one group commit makes them
/// durable, the terminal event first or with it), waits for it suspended, updates the
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
/// queues the run (or gives the reservation back when the write failed). On SQLite
/// the record goes through the event log's writer and its commit queues the run: no
/// thread waits for it (submit_async). Stop
/// requests (cancel, interrupt, shutdown) are decided under the lock and made after
/// it is released.
///
/// Asking the user (ExecutionContext::ask, RunInput): the run emits input_required,
/// its status becomes waiting_input, and it gives back its concurrency slot (it counts
/// against max_waiting_runs_per_user instead), its run_timeout pauses and its
/// input_timeout starts; answer() wakes it (an answer that does not fit the schema is
/// refused, the run waits on). Cancel and the input timeout stop it like any wait.
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
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "database/database_session_manager.hpp"
#include "database/event_log.hpp"
#include "database/run_store.hpp"
#include "events/event_router.hpp"
#include "events/event_sink.hpp"
#include "events/event_store.hpp"
#include "events/user_event_emitter.hpp"
#include "execution/agent_instance_factory.hpp"
#include "execution/engine_types.hpp"
#include "execution/execution_state_store.hpp"
#include "execution/run_dispatcher.hpp"
#include "execution/run_entry.hpp"
#include "execution/run_input.hpp"
#include "execution/run_observer.hpp"
#include "execution/run_timer.hpp"
#include "execution/user_execution_engine.hpp"
#include "fiber/blocking_pool.hpp"
#include "fiber/fiber_scheduler.hpp"
#include "registry/agent_class_registry.hpp"

namespace agenthost::execution {

class ExecutionEngine : private InputWaits {
 public:
  /// Starts the worker threads, the blocking pool and the timeout timer. Everything
  /// passed by reference must outlive the engine; `database` is the agents' pool.
  /// `models`: the model endpoints every run's models() calls (null: none configured).
  /// `dispatcher`: runs the agents it dispatches() in worker processes (null: every
  /// run in this process); it must outlive the engine.
  /// Throws std::invalid_argument for a bad option (see check_options) or a registry
  /// that is not frozen.
  ExecutionEngine(EngineOptions options, const registry::AgentClassRegistry& registry,
                  database::DatabaseSessionManager& database, database::RunStore& runs,
                  database::EventLog& store, events::EventRouter& router,
                  RunObserver* observer = nullptr, models::ModelServices models = {},
                  RunDispatcher* dispatcher = nullptr);
  /// shutdown(0 ms) if shutdown() was not called: running runs are stopped (cause
  /// shutdown) and waited for.
  ~ExecutionEngine() override;
  ExecutionEngine(const ExecutionEngine&) = delete;
  ExecutionEngine& operator=(const ExecutionEngine&) = delete;

  /// Accepts a run: checks it, creates its thread when request.thread_id is absent
  /// (or names a thread this user does not have yet), stores it as queued, applies
  /// the multitask strategy and queues it. When `subscriber` is given it is
  /// subscribed to the run before the run can emit anything (so it sees every event,
  /// agent_started included) until the run is final; the engine keeps the sink alive
  /// that long. Any thread but the event log's writer; submits do not wait for each
  /// other, only for their own record. Throws RunRefused with code:
  ///  - invalid: a bad user or thread id or metadata (the message names the field);
  ///  - unknown_agent: no such agent class;
  ///  - not_found: the thread belongs to another user (it looks absent);
  ///  - limit: the user already has max_queued_runs_per_user runs waiting;
  ///  - thread_busy: strategy reject and the thread has a run;
  ///  - shutting_down: shutdown() was called.
  /// Throws database::DatabaseError when the run cannot be stored (or the database
  /// has not stored it within options().record_write_timeout). Blocks until the run's
  /// record is stored.
  RunTicket submit(RunRequest request, std::shared_ptr<events::EventSink> subscriber = nullptr);

  /// submit() without waiting for the record: `done` gets the ticket, or the exception
  /// submit() would throw, exactly once. A refusal is reported on the caller's thread
  /// before this returns. On SQLite (submits_without_blocking()) the record is queued
  /// in the event log's writer, and `done` is called on the writer's thread once it is
  /// committed (the run is queued there, just before), or on the engine's timer
  /// thread when the database has not stored it in time: so `done` must only hand
  /// the result on, never block. On PostgreSQL the record is written on the caller's
  /// thread, which blocks, and `done` is called there.
  void submit_async(RunRequest request, std::shared_ptr<events::EventSink> subscriber,
                    SubmitDone done);
  /// True when submit_async never blocks its caller (the database takes one writer,
  /// so the record goes through the event log's writer).
  bool submits_without_blocking() const { return store_.single_writer_database(); }

  /// Stops run `run_id` of `user_id` (cause cancelled). A queued run ends at once,
  /// without an agent; a running run's token is triggered and it ends cancelled when
  /// its run() returns. Idempotent. Returns true when this user has such a run
  /// (running, queued or already finished), false otherwise: another user's run id
  /// looks exactly like an unknown one. Any thread; may write to the database (the
  /// run's terminal event and status when it was queued). Throws
  /// database::DatabaseError only when the lookup of a run no longer in memory fails.
  bool cancel(std::string_view user_id, std::string_view run_id);

  /// Queues again a resumable run a previous process left unfinished (it was found
  /// queued, running or waiting at startup and requeued in the store): a fresh
  /// instance of its agent whose events continue after `resume.last_seq`, starting
  /// with agent_resumed, whose context().last_checkpoint() is `resume.checkpoint` and
  /// whose first ask() waits again for `resume.question` when it has one. Refuses
  /// (RunRefused) as submit() does; the run's record is not written again.
  RunTicket resume(const database::RunRecord& record, ResumePoint resume,
                   std::shared_ptr<events::EventSink> subscriber = nullptr);

  /// Delivers `user_id`'s answer to run `run_id`, which waits in
  /// ExecutionContext::ask: accepted (the run continues; its input_received event
  /// follows), not_found (no such run of this user: another user's looks absent),
  /// not_waiting (the run exists but asks nothing now), invalid (the answer does not
  /// fit the question's schema; the run keeps waiting). Any thread; may read the
  /// database (a run no longer in memory). Throws database::DatabaseError when that
  /// read fails.
  AnswerResult answer(std::string_view user_id, std::string_view run_id, boost::json::value input);

  /// Stops accepting runs (shutting_down), lets accepted runs (queued ones included)
  /// go on until `drain_timeout` (or until only runs waiting for their user's answer
  /// are left), then stops the rest with agent_death cause shutdown (status
  /// interrupted), except runs of resumable agents, which are left unfinished in the
  /// store without a terminal event (the next start resumes them); waits until every
  /// run is final and every scope released, and stops the worker threads, the
  /// blocking pool and the timer.
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
    std::size_t runs = 0;           ///< accepted and not final
    std::size_t users = 0;          ///< UserExecutionEngines
    std::size_t threads = 0;        ///< threads with a current or waiting run
    std::size_t timers = 0;         ///< pending run deadlines
    std::size_t active = 0;         ///< started and not ended, not waiting for input
    std::size_t waiting_input = 0;  ///< started and waiting for their user's answer
  };
  Occupancy occupancy() const;

  const EngineOptions& options() const noexcept { return options_; }

  /// Runs whose final status could not be written even after retries, since start.
  std::uint64_t status_write_failures() const noexcept {
    return status_write_failures_.load(std::memory_order_relaxed);
  }
  /// Of those, the ones still unwritten now: their stored record says queued or
  /// running although they ended. Each is written again after the next run's status
  /// write succeeds (the database is back); a restart marks the rest interrupted.
  /// Not 0: the host is degraded (/readyz says so).
  std::size_t unrecorded_statuses() const;

 private:
  struct ThreadSlot {
    std::string user_id;
    std::shared_ptr<RunEntry> current;  // holds the thread: ready, running or ending
    std::deque<std::shared_ptr<RunEntry>> waiting;
    std::uint32_t reserved = 0;  // submits between their admission and their queueing

    bool busy() const noexcept { return current || !waiting.empty() || reserved > 0; }
  };
  using EntryList = std::vector<std::shared_ptr<RunEntry>>;

  // submit() and resume(), in engine_submit.cpp.
  /// A run between its admission and its queueing (engine_submit.cpp).
  struct Submission;
  /// Reserves the run's place (admit_locked) and builds its context: the returned
  /// submission gives the reservation back when it goes without being queued.
  /// Throws RunRefused.
  std::shared_ptr<Submission> admit(RunRequest request, const registry::AgentClass& agent_class,
                                    std::string thread_id,
                                    std::shared_ptr<events::EventSink> subscriber,
                                    ResumePoint resume = {});
  /// Creates an admitted, stored run's entry and queues it. `may_block`: the caller may
  /// make the stop requests of an interrupt itself (else the blocking pool does).
  RunTicket queue(Submission& submission, bool may_block);
  /// The record of a submission, queued in the event log's writer (SQLite): the
  /// commit queues the run, or the deadline gives the write up.
  void store_through_writer(const std::shared_ptr<Submission>& submission, bool client_thread);
  void record_written(Submission& submission, database::WriteResult written);
  void give_up_record(Submission& submission);
  /// Refuses the run (RunRefused) or reserves its place (the user's queue, the
  /// thread's turn) and returns the limits it is admitted under.
  RunLimits admit_locked(const RunRequest& request, const std::string& thread_id);
  /// Gives back a reservation whose run was not stored.
  void cancel_reservation_locked(const std::string& user_id, const std::string& thread_id);
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
  /// A resumed run's first event: agent_resumed, seq after its last stored one.
  void announce_resumed(RunEntry& run, events::UserEventEmitter& emitter);
  void finalize(const std::shared_ptr<RunEntry>& run, RunOutcome outcome, bool started);
  /// Queues the run's start (status running) in the event log without waiting for
  /// it; an error when it cannot even be queued.
  std::optional<std::string> record_start(const RunEntry& run);
  /// Writes a change of a running run's record through the event log (after its
  /// events, one group commit), the run waiting suspended. At shutdown, a write the
  /// database does not answer within a few seconds after the drain is given up (the
  /// error says so).
  database::WriteResult write_run(RunEntry& run, database::RunWrite write);
  /// Called once with the answer to a final status write, on the event log's writer
  /// thread (or on the caller's, when the write cannot be queued or shutdown gives it
  /// up).
  using StatusWritten = std::function<void(database::WriteResult)>;
  /// Queues a run's final status in the event log (after its events, one group
  /// commit); `written` gets the answer. Nothing waits for it.
  void write_final_status(const std::string& run_id, const RunOutcome& outcome,
                          StatusWritten written);
  /// Shutdown: the status writes the database has not answered a few seconds after
  /// the drain are given up (their `written` gets an error saying so). With
  /// `wait_for_answers`, returns only once no answer is being given (never from an
  /// answer: it would wait for itself).
  void give_up_status_writes(bool wait_for_answers);
  /// The run's final status; its answer settles the run. When it fails, it joins
  /// unrecorded_; when it succeeds, the unrecorded ones are written again first.
  void record_final_status(const std::shared_ptr<RunEntry>& run, RunOutcome outcome);
  /// Writes the unrecorded statuses again; `then` once all are answered.
  void retry_unrecorded_statuses(std::function<void()> then);
  /// The end of a run's end: its subscription goes, it leaves runs_, and its outcome
  /// is final for everyone (RunTicket::finished).
  void settle(const std::shared_ptr<RunEntry>& run, RunOutcome outcome);

  // InputWaits, in engine_input.cpp: a run waiting for its user's answer.
  void begin_input_wait(const std::string& run_id) override;
  void end_input_wait(const std::string& run_id) override;
  void record_question(const std::string& run_id,
                       const std::optional<boost::json::object>& question) override;
  void record_checkpoint(const std::string& run_id, const boost::json::value& state) override;
  std::shared_ptr<RunEntry> running_entry(const std::string& run_id) const;

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
  /// Events and the runs' status changes, through one writer (group commit).
  database::EventLog& store_;
  events::EventRouter& router_;
  const AgentInstanceFactory factory_;
  ExecutionStateStore state_;
  RunObserver* const observer_;      // may be null
  RunDispatcher* const dispatcher_;  // may be null: every run in_process
  std::atomic<std::uint64_t> status_write_failures_{0};

  /// A run's final status the store refused (record_final_status).
  struct UnrecordedStatus {
    std::string run_id;
    std::string correlation_id;
    RunOutcome outcome;
  };
  /// Fired at shutdown when runs still wait for a write after the drain.
  std::stop_source abandon_status_waits_;
  /// Final status writes the database has not answered yet, by run id.
  struct StatusWrite {
    std::uint64_t ticket = 0;  // for EventLog::abandon_write
    StatusWritten written;
  };
  std::mutex status_writes_mutex_;
  std::unordered_map<std::string, StatusWrite> status_writes_;  // guarded by the above
  std::size_t status_answers_running_ = 0;                      // likewise: answers being given now
  std::condition_variable status_answered_;
  mutable std::mutex unrecorded_mutex_;
  std::vector<UnrecordedStatus> unrecorded_;  // guarded by unrecorded_mutex_

  std::mutex shutdown_mutex_;
  bool shut_down_ = false;  // guarded by shutdown_mutex_

  mutable std::mutex mutex_;          // everything below
  std::condition_variable run_gone_;  // shutdown: runs_ shrank
  std::unordered_map<std::string, std::shared_ptr<RunEntry>> runs_;
  std::unordered_map<std::string, UserExecutionEngine> users_;
  std::unordered_map<std::string, ThreadSlot> threads_;
  std::deque<UserExecutionEngine*> rotation_;  // users that can start a run, round-robin
  std::uint32_t active_runs_ = 0;              // started and not ended, not waiting input
  std::uint32_t waiting_input_runs_ = 0;       // started and waiting for their user
  bool accepting_ = true;                      // until shutdown()
  std::uint32_t submits_in_flight_ = 0;        // admitted, not yet queued or refused
  RunLimits limits_;

  RunTimer timer_;
  // Last: started once everything above exists, stopped first (after every run ended).
  fiber::BlockingPool blocking_;
  fiber::FiberScheduler scheduler_;
};

}  // namespace agenthost::execution
