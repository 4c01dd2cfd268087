#include "database/writer_statements.hpp"

#include <soci/postgresql/soci-postgresql.h>
#include <soci/sqlite3/soci-sqlite3.h>

#include <boost/json/serialize.hpp>

#include <utility>

#include "database/database_error.hpp"
#include "database/time_columns.hpp"

namespace agenthost::database {
namespace {

constexpr const char* kInsertEvents =
    "INSERT INTO events (run_id, seq, user_id, thread_id, type, agent_name, timestamp, payload)"
    " VALUES (:run_id, :seq, :user_id, :thread_id, :type, :agent_name, :timestamp, :payload)"
    " ON CONFLICT (run_id, seq) DO NOTHING";

}  // namespace

WriterStatements::WriterStatements(soci::session& sql) : sql_(sql) {
  // SOCI refuses to prepare a bulk statement on empty vectors: one placeholder row,
  // replaced before every execution.
  for (auto* column : {&run_ids_, &user_ids_, &thread_ids_, &types_, &agent_names_, &payloads_})
    column->resize(1);
  seqs_.resize(1);
  timestamps_.resize(1);
  if (sql_.get_backend_name() == "sqlite3")
    insert_events_.emplace((sql_.prepare << kInsertEvents, soci::use(run_ids_), soci::use(seqs_),
                            soci::use(user_ids_), soci::use(thread_ids_), soci::use(types_),
                            soci::use(agent_names_), soci::use(timestamps_), soci::use(payloads_)));
}

std::uint64_t WriterStatements::insert_events(const std::vector<const events::Event*>& events) {
  if (events.empty()) return 0;
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
  if (!insert_events_) {
    // PostgreSQL: a statement per batch (parsed once per batch, not per row). A kept
    // statement re-executed with a batch of another size stored only some of the
    // rows through SOCI 4.0's PostgreSQL bulk binding (caught by test_daemon's
    // recovery test), so it is not reused there.
    soci::statement st = (sql_.prepare << kInsertEvents, soci::use(run_ids_), soci::use(seqs_),
                          soci::use(user_ids_), soci::use(thread_ids_), soci::use(types_),
                          soci::use(agent_names_), soci::use(timestamps_), soci::use(payloads_));
    st.execute(true);
    const long long inserted = st.get_affected_rows();
    return inserted > 0 ? static_cast<std::uint64_t>(inserted) : 0;
  }
  insert_events_->execute(true);
  const long long inserted = insert_events_->get_affected_rows();
  return inserted > 0 ? static_cast<std::uint64_t>(inserted) : 0;
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
      if (!finish_)
        finish_.emplace((sql_.prepare << "UPDATE runs SET status = :s, result = :res, error = :err,"
                                         " finished_at = :t, question = NULL WHERE run_id = :r"
                                         " AND status IN ('queued', 'running', 'waiting_input')",
                         soci::use(status_), soci::use(result_text_, result_ind_),
                         soci::use(error_text_, error_ind_), soci::use(at_ms_),
                         soci::use(run_id_)));
      slot = &finish_;
      break;
  }
  auto& update = **slot;
  try {
    update.execute(true);
  } catch (...) {
    // Dropped after a failed execution: SOCI's PostgreSQL backend frees the bound
    // values' buffers only after a successful one or when the statement goes, so a
    // kept statement would leak them (LeakSanitizer found it).
    slot->reset();
    throw;
  }
  if (update.get_affected_rows() > 0) return true;
  // Rare (a run the write does not apply to): not worth a prepared statement, and a
  // prepared SELECT left open would pin SQLite's read snapshot.
  int count = 0;
  sql_ << "SELECT COUNT(*) FROM runs WHERE run_id = :r", soci::use(run_id_), soci::into(count);
  if (count == 0)
    throw DatabaseError("cannot write " + write.what() + " of run '" + write.run_id +
                        "': no such run");
  return false;
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
