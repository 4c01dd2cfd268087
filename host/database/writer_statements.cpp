#include "database/writer_statements.hpp"

#include <soci/postgresql/soci-postgresql.h>
#include <soci/sqlite3/soci-sqlite3.h>

#include <boost/json/serialize.hpp>

#include <stdexcept>
#include <string_view>
#include <utility>

#include "database/database_error.hpp"
#include "database/time_columns.hpp"

namespace agenthost::database {
namespace {

constexpr const char* kInsertEvents =
    "INSERT INTO events (run_id, seq, user_id, thread_id, type, agent_name, timestamp, payload)"
    " VALUES (:run_id, :seq, :user_id, :thread_id, :type, :agent_name, :timestamp, :payload)"
    " ON CONFLICT (run_id, seq) DO NOTHING";

// PostgreSQL: a batch in one execution and one round trip, each column bound as one
// array literal (SOCI's bulk binding sends a statement per row there, and re-executed
// with another batch size it lost rows). The statement is prepared once per session.
constexpr const char* kInsertEventArrays =
    "INSERT INTO events (run_id, seq, user_id, thread_id, type, agent_name, timestamp, payload)"
    " SELECT * FROM unnest(CAST(:run_ids AS TEXT[]), CAST(:seqs AS BIGINT[]),"
    " CAST(:user_ids AS TEXT[]), CAST(:thread_ids AS TEXT[]), CAST(:types AS TEXT[]),"
    " CAST(:agent_names AS TEXT[]), CAST(:timestamps AS BIGINT[]), CAST(:payloads AS TEXT[]))"
    " ON CONFLICT (run_id, seq) DO NOTHING";

// One element of a PostgreSQL array literal: quoted, each '"' and backslash escaped, so
// any text (commas, braces, quotes, "NULL") stays one element of exactly that text.
void append_array_text(std::string& array, std::string_view text, bool first) {
  if (!first) array += ',';
  array += '"';
  for (const char c : text) {
    if (c == '"' || c == '\\') array += '\\';
    array += c;
  }
  array += '"';
}

void append_array_number(std::string& array, long long value, bool first) {
  if (!first) array += ',';
  array += std::to_string(value);
}

// The ownership check is part of the insert (no SELECT to keep open between
// executions): the row goes in only when the thread is the run's user's. The CASTs
// give PostgreSQL the parameters' types, which a SELECT list does not.
constexpr const char* kInsertRun =
    "INSERT INTO runs (run_id, thread_id, user_id, agent_name, status, input, result, error,"
    " created_at, started_at, finished_at, question)"
    " SELECT CAST(:run_id AS TEXT), CAST(:thread_id AS TEXT), CAST(:user_id AS TEXT),"
    " CAST(:agent_name AS TEXT), CAST(:status AS TEXT), CAST(:input AS TEXT),"
    " CAST(:result AS TEXT), CAST(:error AS TEXT), CAST(:created_at AS BIGINT),"
    " CAST(:started_at AS BIGINT), CAST(:finished_at AS BIGINT), CAST(:question AS TEXT)"
    " WHERE EXISTS (SELECT 1 FROM threads WHERE thread_id = :owned_thread AND user_id = :owner)";

/// Executes a kept statement; drops it after a failed execution: SOCI's PostgreSQL
/// backend frees the bound values' buffers only after a successful one or when the
/// statement goes, so a kept statement would leak them (LeakSanitizer found it).
long long execute_kept(std::optional<soci::statement>& slot) {
  try {
    slot->execute(true);
  } catch (...) {
    slot.reset();
    throw;
  }
  return slot->get_affected_rows();
}

}  // namespace

WriterStatements::WriterStatements(soci::session& sql)
    : sql_(sql), postgresql_(sql.get_backend_name() == "postgresql") {
  // SOCI refuses to prepare a bulk statement on empty vectors: one placeholder row,
  // replaced before every execution.
  for (auto* column : {&run_ids_, &user_ids_, &thread_ids_, &types_, &agent_names_, &payloads_})
    column->resize(1);
  seqs_.resize(1);
  timestamps_.resize(1);
}

void WriterStatements::prepare_insert_events() {
  if (insert_events_) return;
  if (postgresql_) {
    insert_events_.emplace((sql_.prepare << kInsertEventArrays, soci::use(arrays_[0]),
                            soci::use(arrays_[1]), soci::use(arrays_[2]), soci::use(arrays_[3]),
                            soci::use(arrays_[4]), soci::use(arrays_[5]), soci::use(arrays_[6]),
                            soci::use(arrays_[7])));
    return;
  }
  insert_events_.emplace((sql_.prepare << kInsertEvents, soci::use(run_ids_), soci::use(seqs_),
                          soci::use(user_ids_), soci::use(thread_ids_), soci::use(types_),
                          soci::use(agent_names_), soci::use(timestamps_), soci::use(payloads_)));
}

std::uint64_t WriterStatements::insert_events(const std::vector<const events::Event*>& events) {
  if (events.empty()) return 0;
  if (postgresql_) return insert_event_arrays(events);
  for (auto* column : {&run_ids_, &user_ids_, &thread_ids_, &types_, &agent_names_, &payloads_})
    column->clear();
  seqs_.clear();
  timestamps_.clear();
  for (const auto* event : events) {
    run_ids_.push_back(event->run_id);
    seqs_.push_back(static_cast<long long>(event->seq));
    user_ids_.push_back(event->user_id);
    thread_ids_.push_back(event->thread_id);
    types_.push_back(event->type);
    agent_names_.push_back(event->agent_name);
    timestamps_.push_back(to_epoch_ms(event->timestamp));
    payloads_.push_back(boost::json::serialize(event->payload));
  }
  prepare_insert_events();  // after the vectors are filled: SOCI binds their sizes
  const long long inserted = execute_kept(insert_events_);
  return inserted > 0 ? static_cast<std::uint64_t>(inserted) : 0;
}

std::uint64_t WriterStatements::insert_event_arrays(
    const std::vector<const events::Event*>& events) {
  for (auto& array : arrays_) array.assign(1, '{');
  bool first = true;
  for (const auto* event : events) {
    append_array_text(arrays_[0], event->run_id, first);
    append_array_number(arrays_[1], static_cast<long long>(event->seq), first);
    append_array_text(arrays_[2], event->user_id, first);
    append_array_text(arrays_[3], event->thread_id, first);
    append_array_text(arrays_[4], event->type, first);
    append_array_text(arrays_[5], event->agent_name, first);
    append_array_number(arrays_[6], to_epoch_ms(event->timestamp), first);
    append_array_text(arrays_[7], boost::json::serialize(event->payload), first);
    first = false;
  }
  for (auto& array : arrays_) array += '}';
  prepare_insert_events();
  const long long inserted = execute_kept(insert_events_);
  return inserted > 0 ? static_cast<std::uint64_t>(inserted) : 0;
}

RunWrite RunWrite::insert(RunRecord record, bool create_thread) {
  RunWrite w;
  w.kind = Kind::insert;
  w.run_id = record.run_id;
  if (record.status.empty()) record.status = std::string(run_status::queued);
  w.record = std::make_shared<const RunRecord>(std::move(record));
  w.create_thread = create_thread;
  return w;
}

RunWrite RunWrite::start(std::string run_id, long long started_at_ms) {
  RunWrite w;
  w.kind = Kind::start;
  w.run_id = std::move(run_id);
  w.at_ms = started_at_ms;
  return w;
}

RunWrite RunWrite::waiting(std::string run_id, std::string question_json) {
  RunWrite w;
  w.kind = Kind::waiting;
  w.run_id = std::move(run_id);
  w.json = std::move(question_json);
  return w;
}

RunWrite RunWrite::answered(std::string run_id) {
  RunWrite w;
  w.kind = Kind::answered;
  w.run_id = std::move(run_id);
  return w;
}

RunWrite RunWrite::checkpoint(std::string run_id, std::string state_json) {
  RunWrite w;
  w.kind = Kind::checkpoint;
  w.run_id = std::move(run_id);
  w.json = std::move(state_json);
  return w;
}

RunWrite RunWrite::finish(std::string run_id, std::string status,
                          std::optional<std::string> result_json,
                          std::optional<std::string> error_json, long long finished_at_ms) {
  RunWrite w;
  w.kind = Kind::finish;
  w.run_id = std::move(run_id);
  w.status = std::move(status);
  w.result_json = std::move(result_json);
  w.error_json = std::move(error_json);
  w.at_ms = finished_at_ms;
  return w;
}

std::string RunWrite::what() const {
  switch (kind) {
    case Kind::insert:
      return "the new run";
    case Kind::start:
      return "running";
    case Kind::waiting:
      return "waiting_input";
    case Kind::answered:
      return "answered";
    case Kind::checkpoint:
      return "checkpoint";
    case Kind::finish:
      break;
  }
  return status;
}

bool WriterStatements::write_run(const RunWrite& write) {
  run_id_ = write.run_id;
  at_ms_ = write.at_ms;
  json_ = write.json.value_or("null");
  // Each statement is prepared at its first use and kept: the writer uses them all,
  // RunStore (recovery, tests) one per transaction.
  std::optional<soci::statement>* slot = nullptr;
  switch (write.kind) {
    case RunWrite::Kind::insert:
      insert_run(write);
      return true;
    case RunWrite::Kind::start:
      if (!start_)
        start_.emplace((sql_.prepare << "UPDATE runs SET status = 'running', started_at = :t,"
                                        " question = NULL WHERE run_id = :r AND status = 'queued'",
                        soci::use(at_ms_), soci::use(run_id_)));
      slot = &start_;
      break;
    case RunWrite::Kind::waiting:
      if (!waiting_)
        waiting_.emplace((sql_.prepare
                              << "UPDATE runs SET status = 'waiting_input', question = :q"
                                 " WHERE run_id = :r AND status IN ('running', 'waiting_input')",
                          soci::use(json_), soci::use(run_id_)));
      slot = &waiting_;
      break;
    case RunWrite::Kind::answered:
      if (!answered_)
        answered_.emplace((sql_.prepare << "UPDATE runs SET status = 'running', question = NULL"
                                           " WHERE run_id = :r AND status = 'waiting_input'",
                           soci::use(run_id_)));
      slot = &answered_;
      break;
    case RunWrite::Kind::checkpoint:
      if (!checkpoint_)
        checkpoint_.emplace((sql_.prepare << "UPDATE runs SET checkpoint = :c WHERE run_id = :r",
                             soci::use(json_), soci::use(run_id_)));
      slot = &checkpoint_;
      break;
    case RunWrite::Kind::finish:
      status_ = write.status;
      result_text_ = write.result_json.value_or("");
      result_ind_ = write.result_json ? soci::i_ok : soci::i_null;
      error_text_ = write.error_json.value_or("");
      error_ind_ = write.error_json ? soci::i_ok : soci::i_null;
      // An OR of comparisons, not IN: SQLite builds a temporary b-tree for an IN list
      // of more than two constants on every execution.
      if (!finish_)
        finish_.emplace((sql_.prepare << "UPDATE runs SET status = :s, result = :res, error = :err,"
                                         " finished_at = :t, question = NULL WHERE run_id = :r"
                                         " AND (status = 'queued' OR status = 'running'"
                                         " OR status = 'waiting_input')",
                         soci::use(status_), soci::use(result_text_, result_ind_),
                         soci::use(error_text_, error_ind_), soci::use(at_ms_),
                         soci::use(run_id_)));
      slot = &finish_;
      break;
  }
  if (execute_kept(*slot) > 0) return true;
  // Rare (a run the write does not apply to): not worth a prepared statement, and a
  // prepared SELECT left open would pin SQLite's read snapshot.
  int count = 0;
  sql_ << "SELECT COUNT(*) FROM runs WHERE run_id = :r", soci::use(run_id_), soci::into(count);
  if (count == 0)
    throw DatabaseError("cannot write " + write.what() + " of run '" + write.run_id +
                        "': no such run");
  return false;
}

void WriterStatements::insert_run(const RunWrite& write) {
  const auto& run = *write.record;
  if (!is_known_run_status(run.status))
    throw std::invalid_argument("run '" + run.run_id + "' has unknown status '" + run.status + "'");
  run_id_ = run.run_id;
  thread_id_ = run.thread_id;
  user_id_ = run.user_id;
  if (write.create_thread) {
    created_ms_ = to_epoch_ms(std::chrono::system_clock::now());
    if (!create_thread_)
      create_thread_.emplace((sql_.prepare << kCreateThreadStatement, soci::use(thread_id_),
                              soci::use(user_id_), soci::use(created_ms_)));
    execute_kept(create_thread_);
  }
  agent_name_ = run.agent_name;
  status_ = run.status;
  input_text_ = boost::json::serialize(run.input);
  result_text_ = run.result ? boost::json::serialize(*run.result) : std::string();
  result_ind_ = run.result ? soci::i_ok : soci::i_null;
  error_text_ = run.error ? boost::json::serialize(*run.error) : std::string();
  error_ind_ = run.error ? soci::i_ok : soci::i_null;
  question_text_ = run.question ? boost::json::serialize(*run.question) : std::string();
  question_ind_ = run.question ? soci::i_ok : soci::i_null;
  created_ms_ = to_epoch_ms(run.created_at);
  started_ms_ = run.started_at ? to_epoch_ms(*run.started_at) : 0;
  started_ind_ = run.started_at ? soci::i_ok : soci::i_null;
  finished_ms_ = run.finished_at ? to_epoch_ms(*run.finished_at) : 0;
  finished_ind_ = run.finished_at ? soci::i_ok : soci::i_null;
  if (!insert_run_)
    insert_run_.emplace(
        (sql_.prepare << kInsertRun, soci::use(run_id_), soci::use(thread_id_), soci::use(user_id_),
         soci::use(agent_name_), soci::use(status_), soci::use(input_text_),
         soci::use(result_text_, result_ind_), soci::use(error_text_, error_ind_),
         soci::use(created_ms_), soci::use(started_ms_, started_ind_),
         soci::use(finished_ms_, finished_ind_), soci::use(question_text_, question_ind_),
         soci::use(thread_id_), soci::use(user_id_)));
  if (execute_kept(insert_run_) > 0) return;
  // Rare (a client naming a thread that is not its own): told apart in the log only.
  if (!owner_of_thread(sql_, run.thread_id))
    throw OwnershipError("run '" + run.run_id + "' names thread '" + run.thread_id +
                         "', which does not exist; create_thread() first");
  throw OwnershipError("run '" + run.run_id + "' names thread '" + run.thread_id +
                       "', which belongs to another user");
}

std::optional<std::string> owner_of_thread(soci::session& sql, const std::string& thread_id) {
  std::string owner;
  soci::indicator ind = soci::i_null;
  sql << "SELECT user_id FROM threads WHERE thread_id = :t", soci::use(thread_id),
      soci::into(owner, ind);
  if (!sql.got_data() || ind != soci::i_ok) return std::nullopt;
  return owner;
}

bool is_refused_row_error(const std::exception& error) noexcept {
  if (const auto* pg = dynamic_cast<const soci::postgresql_soci_error*>(&error)) {
    // SQLSTATE classes: 22 data exception (e.g. invalid UTF-8), 23 integrity
    // constraint violation, 54 program limit exceeded (a value too large).
    const std::string state = pg->sqlstate();
    const std::string cls = state.substr(0, 2);
    return cls == "22" || cls == "23" || cls == "54";
  }
  if (const auto* lite = dynamic_cast<const soci::sqlite3_soci_error*>(&error)) {
    const int primary = lite->result() & 0xff;
    return primary == SQLITE_CONSTRAINT || primary == SQLITE_TOOBIG || primary == SQLITE_MISMATCH;
  }
  return false;
}

}  // namespace agenthost::database
