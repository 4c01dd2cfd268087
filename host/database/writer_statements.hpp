#pragma once
/// \file
/// WriterStatements: the statements that store events and change runs' records
/// (internal to the database component), written once. The event log's writer keeps
/// one set for its session and executes them for every batch, so SQLite and
/// PostgreSQL parse each INSERT and UPDATE once per session instead of once per
/// execution (the profile in docs/benchmarks.md found SQL parsing to be about 29 % of
/// the daemon's instructions); RunStore uses a set per call (crash recovery, tests).
/// None of them begins or ends a transaction: the caller commits.

#include <soci/soci.h>

#include <array>
#include <cstdint>
#include <exception>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "database/run_record.hpp"
#include "events/event.hpp"

namespace agenthost::database {

/// A change of a run's stored record, written by the event log's writer in the
/// transaction of the batch it falls in, after the events appended before it (so what
/// a record says never runs ahead of the run's stored events).
struct RunWrite {
  enum class Kind {
    insert,      ///< the new run `record` (with its thread when create_thread and the
                 ///< thread is missing); the thread must be the record's user's
    start,       ///< queued -> running, started_at = at_ms; clears the question
    waiting,     ///< running or waiting_input -> waiting_input, `json` its question
    answered,    ///< waiting_input -> running; clears the question
    checkpoint,  ///< `json` becomes the run's checkpoint (any status)
    finish,      ///< queued, running or waiting_input -> `status` (terminal), with
                 ///< result_json and error_json, finished_at = at_ms; clears the question
  };
  Kind kind = Kind::start;
  std::string run_id;
  std::string status;                       ///< finish: the terminal status
  std::optional<std::string> result_json;   ///< finish
  std::optional<std::string> error_json;    ///< finish
  std::optional<std::string> json;          ///< waiting: the question; checkpoint: the state
  long long at_ms = 0;                      ///< start, finish
  std::shared_ptr<const RunRecord> record;  ///< insert
  bool create_thread = false;               ///< insert

  /// An empty record.status means queued.
  static RunWrite insert(RunRecord record, bool create_thread);
  static RunWrite start(std::string run_id, long long started_at_ms);
  static RunWrite waiting(std::string run_id, std::string question_json);
  static RunWrite answered(std::string run_id);
  static RunWrite checkpoint(std::string run_id, std::string state_json);
  static RunWrite finish(std::string run_id, std::string status,
                         std::optional<std::string> result_json,
                         std::optional<std::string> error_json, long long finished_at_ms);

  /// What the write is, for messages: "the new run", "running", the terminal status,
  /// "waiting_input", "answered" or "checkpoint".
  std::string what() const;
};

class WriterStatements {
 public:
  /// Statements on `sql`, which must outlive this object, each prepared at its first
  /// use. Throws the driver's exception.
  explicit WriterStatements(soci::session& sql);
  WriterStatements(const WriterStatements&) = delete;
  WriterStatements& operator=(const WriterStatements&) = delete;

  /// Inserts `events` in one execution (SQLite: bound to column vectors; PostgreSQL:
  /// one array per column, one round trip). Idempotent: a (run_id,
  /// seq) already stored is skipped, so a batch retried after an unclear commit is not
  /// stored twice. Returns the rows inserted.
  std::uint64_t insert_events(const std::vector<const events::Event*>& events);

  /// Applies `write`: true when the run changed, false when it was no longer in a
  /// state the write applies to (see RunWrite::Kind). Throws DatabaseError when there
  /// is no such run; for an insert, OwnershipError when the thread is missing or
  /// another user's (nothing is written), std::invalid_argument for an unknown status.
  bool write_run(const RunWrite& write);

 private:
  void insert_run(const RunWrite& write);
  /// Prepares the event insert unless it is kept already (dropped after a failure).
  void prepare_insert_events();
  /// PostgreSQL's insert_events: every column of the batch as one array.
  std::uint64_t insert_event_arrays(const std::vector<const events::Event*>& events);

  soci::session& sql_;
  const bool postgresql_;
  // Bound once; each execution reads the values they hold then. SQLite binds the
  // events' columns as vectors (one execution per row inside SQLite), PostgreSQL as
  // one array literal per column.
  std::array<std::string, 8> arrays_;
  std::vector<std::string> run_ids_, user_ids_, thread_ids_, types_, agent_names_, payloads_;
  std::vector<long long> seqs_, timestamps_;
  std::string run_id_, status_, result_text_, error_text_, json_;
  soci::indicator result_ind_ = soci::i_null, error_ind_ = soci::i_null;
  long long at_ms_ = 0;
  // insert: the record's columns and their indicators.
  std::string thread_id_, user_id_, agent_name_, input_text_, question_text_;
  long long created_ms_ = 0, started_ms_ = 0, finished_ms_ = 0;
  soci::indicator started_ind_ = soci::i_null, finished_ind_ = soci::i_null,
                  question_ind_ = soci::i_null;
  std::optional<soci::statement> insert_events_, create_thread_, insert_run_, start_, waiting_,
      answered_, checkpoint_, finish_;
};

/// Creates thread :t for user :u (created_at :c) unless a thread of that id exists,
/// whoever's: RunStore::create_thread and a new run's insert.
inline constexpr const char* kCreateThreadStatement =
    "INSERT INTO threads (thread_id, user_id, created_at) VALUES (:t, :u, :c)"
    " ON CONFLICT (thread_id) DO NOTHING";

/// The user thread `thread_id` belongs to; nullopt when there is no such thread.
std::optional<std::string> owner_of_thread(soci::session& sql, const std::string& thread_id);

/// True when the database refused the rows themselves (a constraint, invalid
/// text encoding, a value too large, a trigger), so retrying the same rows cannot
/// succeed; false for errors of the database or the connection (busy, I/O, lost link).
bool is_refused_row_error(const std::exception& error) noexcept;

}  // namespace agenthost::database
