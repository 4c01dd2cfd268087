#pragma once
/// \file
/// RunStore: the host's own records of threads, runs and stored events, written
/// through the host's pooled sessions (never through an agent's). Every read is
/// scoped to a user: another user's thread, run or events look absent.

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "database/database_session_manager.hpp"
#include "database/run_record.hpp"
#include "database/writer_statements.hpp"
#include "events/event.hpp"

namespace agenthost::database {

/// Thread-safe: each call leases its own session for its duration. Every method
/// throws DatabaseError (naming the run or thread) when the database fails, and
/// the pool's "pool exhausted" DatabaseError when no session frees up in time.
class RunStore {
 public:
  explicit RunStore(DatabaseSessionManager& manager);

  /// Creates the thread for `user_id`; does nothing when that user already has it.
  /// Throws OwnershipError when the thread exists for another user.
  void create_thread(const std::string& thread_id, const std::string& user_id);

  enum class ThreadOwnership { absent, owned, foreign };
  ThreadOwnership thread_owner(const std::string& thread_id, const std::string& user_id);

  /// Whether insert_run creates the run's thread (for record.user_id) when it is
  /// missing, in the same transaction: one write instead of two for a run that
  /// starts a thread.
  enum class ThreadCreation { must_exist, create_if_missing };

  /// Stores a new run with record.status (normally queued; an empty status means
  /// queued). The thread must belong to record.user_id: throws OwnershipError when
  /// it is another user's or missing (and `thread` is must_exist), DatabaseError when
  /// the run id exists already. The same statement as the event log's writer's
  /// (RunWrite::insert), in a transaction of its own.
  void insert_run(const RunRecord& record, ThreadCreation thread = ThreadCreation::must_exist);

  // Changes to a run's record. A running host makes them through the event log's
  // writer (EventLog::write_run), behind the run's events and in their commit; these
  // direct forms, each its own transaction with the same statements
  // (WriterStatements), serve crash recovery and tests.

  /// queued -> running with started_at. Returns false when the run is no longer
  /// queued (for example cancelled first); throws DatabaseError for an unknown run.
  bool mark_running(const std::string& run_id, TimePoint started_at);

  /// queued/running/waiting_input -> `status` (completed, failed, cancelled, timed_out or
  /// interrupted; anything else throws std::invalid_argument) with the result or
  /// error JSON and finished_at. Returns false, changing nothing, when the run had
  /// already finished; throws DatabaseError for an unknown run.
  bool mark_finished(const std::string& run_id, std::string_view status,
                     const std::optional<boost::json::value>& result,
                     const std::optional<boost::json::value>& error, TimePoint finished_at);

  /// running -> waiting_input with the pending `question` ({"question_id", "prompt",
  /// "schema"}). Returns false when the run is no longer running; throws
  /// DatabaseError for an unknown run.
  bool mark_waiting(const std::string& run_id, const boost::json::value& question);

  /// waiting_input -> running, the question cleared (answered). Returns false when the
  /// run was not waiting; throws DatabaseError for an unknown run.
  bool mark_answered(const std::string& run_id);

  /// Replaces the run's checkpoint (ExecutionContext::checkpoint). Throws
  /// DatabaseError for an unknown run.
  void save_checkpoint(const std::string& run_id, const boost::json::value& state);
  /// The run's latest checkpoint; nullopt when it has none.
  std::optional<boost::json::value> checkpoint(const std::string& run_id);

  /// The run if it belongs to `user_id`; nullopt when absent or another user's.
  std::optional<RunRecord> find_run(const std::string& run_id, const std::string& user_id);

  /// The thread's runs that belong to `user_id`, oldest first.
  /// How many runs `user_id` has in each status (statuses without runs are absent).
  std::map<std::string, std::uint64_t> count_runs_by_status(const std::string& user_id);
  /// Up to `limit` of them, from the one after run `after_run_id` when it is not
  /// empty (none when that is not a run of this thread and user).
  std::vector<RunRecord> runs_of_thread(const std::string& thread_id, const std::string& user_id,
                                        std::size_t limit = static_cast<std::size_t>(-1),
                                        const std::string& after_run_id = {});

  /// Up to `limit` stored events of the run with seq > after_seq, in seq order;
  /// empty when the run is another user's.
  std::vector<events::Event> events_after(const std::string& run_id, const std::string& user_id,
                                          std::uint64_t after_seq, std::size_t limit = 10000);

  /// A run a previous process left queued or running, with the seq of its last
  /// stored event (0 when none), so recovery can append the terminal event.
  struct UnfinishedRun {
    RunRecord run;
    std::uint64_t last_seq = 0;
    /// Restarts that found the run working and resumed it (requeue_for_resume).
    std::uint64_t resume_count = 0;
    std::optional<boost::json::value> checkpoint;
    /// The run's last stored event when it is its terminal event: the previous
    /// process stored the run's end and was stopped before its final status was.
    struct StoredEnding {
      std::string type;  ///< agent_completed, agent_error or agent_death
      boost::json::object payload;
    };
    std::optional<StoredEnding> stored_ending;
  };
  /// Crash recovery at startup: the runs left queued, running or waiting_input,
  /// oldest first.
  std::vector<UnfinishedRun> unfinished_runs();

  /// Resuming at startup: the unfinished run becomes queued again (its question, if
  /// it was waiting, is kept), counting one more resume when `count` (it was found
  /// working). Returns false when the run was not unfinished.
  bool requeue_for_resume(const std::string& run_id, bool count);

 private:
  bool apply(const RunWrite& write);

  DatabaseSessionManager& manager_;
};

}  // namespace agenthost::database
