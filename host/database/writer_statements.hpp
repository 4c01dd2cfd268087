#pragma once
/// \file
/// WriterStatements: the event log writer's statements (internal to the database
/// component), prepared once for the writer's session and executed for every batch:
/// SQLite and PostgreSQL then parse each INSERT and UPDATE once per session instead
/// of once per execution (the profile in docs/benchmarks.md found SQL parsing to be
/// about 29 % of the daemon's instructions). None of them begins or ends a
/// transaction: the writer commits a whole batch at once.

#include <soci/soci.h>

#include <cstdint>
#include <exception>
#include <optional>
#include <string>
#include <vector>

#include "events/event.hpp"

namespace agenthost::database {

/// A change of a run's stored status, written by the event log's writer in the
/// transaction of the batch it falls in, after the events appended before it.
struct StatusWrite {
  std::string run_id;
  /// "running" (from queued) or a terminal status (from queued, running or
  /// waiting_input); either clears the run's question.
  std::string status;
  std::optional<std::string> result_json;  ///< terminal only
  std::optional<std::string> error_json;   ///< terminal only
  long long at_ms = 0;                     ///< started_at or finished_at
};

class WriterStatements {
 public:
  /// Prepares every statement on `sql`, which must outlive this object. Throws the
  /// driver's exception.
  explicit WriterStatements(soci::session& sql);
  WriterStatements(const WriterStatements&) = delete;
  WriterStatements& operator=(const WriterStatements&) = delete;

  /// Inserts `events` (one execution bound to column vectors). Idempotent: a (run_id,
  /// seq) already stored is skipped, so a batch retried after an unclear commit is not
  /// stored twice. Returns the rows inserted.
  std::uint64_t insert_events(const std::vector<const events::Event*>& events);

  /// Applies `write`: true when the run moved, false when it was no longer in a state
  /// the write applies to (see StatusWrite::status). Throws DatabaseError when there is no such run.
  bool write_status(const StatusWrite& write);

 private:
  soci::session& sql_;
  // Bound once; each execution reads the values they hold then.
  std::vector<std::string> run_ids_, user_ids_, thread_ids_, types_, agent_names_, payloads_;
  std::vector<long long> seqs_, timestamps_;
  std::string run_id_, status_, result_text_, error_text_;
  soci::indicator result_ind_ = soci::i_null, error_ind_ = soci::i_null;
  long long at_ms_ = 0;
  std::optional<soci::statement> insert_events_, mark_running_, mark_finished_;
};

/// True when the database refused the rows themselves (a constraint, invalid
/// text encoding, a value too large, a trigger), so retrying the same rows cannot
/// succeed; false for errors of the database or the connection (busy, I/O, lost link).
bool is_refused_row_error(const std::exception& error) noexcept;

}  // namespace agenthost::database
