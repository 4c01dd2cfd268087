#include "database/run_store.hpp"

#include <soci/soci.h>

#include <boost/json/serialize.hpp>

#include <limits>
#include <stdexcept>

#include "database/guarded_session.hpp"
#include "database/row_values.hpp"
#include "database/time_columns.hpp"
#include "database/write_transaction.hpp"
#include "database/writer_statements.hpp"
#include "events/event.hpp"
#include "json/parse.hpp"

namespace agenthost::database {
namespace {

const std::string kRunColumns =
    "run_id, thread_id, user_id, agent_name, status, input, result, error, created_at, "
    "started_at, finished_at, question";

// The statuses of a run that has not ended.
const std::string kUnfinished = "('queued', 'running', 'waiting_input')";

boost::json::value parse_json_column(const std::string& text, const std::string& run_id,
                                     const char* column) {
  // The same reading as the value had when it came in, so it comes back identical.
  auto parsed = json::parse(text, {.max_depth = json::kMaxCarriedDepth});
  if (auto* error = std::get_if<json::ParseError>(&parsed))
    throw DatabaseError("run '" + run_id + "' has invalid JSON in column " + column + ": " +
                        error->describe());
  return std::move(std::get<boost::json::value>(parsed));
}

RunRecord run_from_row(const soci::row& row) {
  RunRecord run;
  run.run_id = text_column(row, 0);
  run.thread_id = text_column(row, 1);
  run.user_id = text_column(row, 2);
  run.agent_name = text_column(row, 3);
  run.status = text_column(row, 4);
  run.input = parse_json_column(text_column(row, 5), run.run_id, "input");
  if (auto text = optional_text_column(row, 6))
    run.result = parse_json_column(*text, run.run_id, "result");
  if (auto text = optional_text_column(row, 7))
    run.error = parse_json_column(*text, run.run_id, "error");
  run.created_at = from_epoch_ms(int64_column(row, 8));
  if (auto ms = optional_int64_column(row, 9)) run.started_at = from_epoch_ms(*ms);
  if (auto ms = optional_int64_column(row, 10)) run.finished_at = from_epoch_ms(*ms);
  if (auto text = optional_text_column(row, 11))
    run.question = parse_json_column(*text, run.run_id, "question");
  return run;
}

bool run_exists(soci::session& sql, const std::string& run_id) {
  int count = 0;
  sql << "SELECT COUNT(*) FROM runs WHERE run_id = :r", soci::use(run_id), soci::into(count);
  return count > 0;
}

// Executes an UPDATE of one run guarded by its status: true when it changed the run,
// false when the run is in another status; throws for a run that does not exist.
bool update_guarded(soci::session& sql, soci::statement& st, const std::string& run_id,
                    const std::string& what) {
  st.execute(true);
  if (st.get_affected_rows() > 0) return true;
  if (!run_exists(sql, run_id))
    throw DatabaseError("cannot " + what + " run '" + run_id + "': no such run");
  return false;
}

}  // namespace

RunStore::RunStore(DatabaseSessionManager& manager) : manager_(manager) {}

void RunStore::create_thread(const std::string& thread_id, const std::string& user_id) {
  with_leased_session(manager_, "creating thread '" + thread_id + "'", [&](soci::session& sql) {
    const long long now = to_epoch_ms(std::chrono::system_clock::now());
    sql << kCreateThreadStatement, soci::use(thread_id), soci::use(user_id), soci::use(now);
    const auto owner = owner_of_thread(sql, thread_id);
    if (!owner) throw DatabaseError("thread '" + thread_id + "' vanished right after creation");
    if (*owner != user_id)
      throw OwnershipError("thread '" + thread_id +
                           "' belongs to another user; start a new thread instead");
  });
}

RunStore::ThreadOwnership RunStore::thread_owner(const std::string& thread_id,
                                                 const std::string& user_id) {
  return with_leased_session(
      manager_, "looking up thread '" + thread_id + "'", [&](soci::session& sql) {
        const auto owner = owner_of_thread(sql, thread_id);
        if (!owner) return ThreadOwnership::absent;
        return *owner == user_id ? ThreadOwnership::owned : ThreadOwnership::foreign;
      });
}

void RunStore::insert_run(const RunRecord& run, ThreadCreation thread) {
  apply(RunWrite::insert(run, thread == ThreadCreation::create_if_missing));
}

bool RunStore::apply(const RunWrite& write) {
  return with_leased_session(manager_, "writing " + write.what() + " of run '" + write.run_id + "'",
                             [&](soci::session& sql) {
                               WriteTransaction tx(sql);
                               const bool changed = WriterStatements(sql).write_run(write);
                               tx.commit();
                               return changed;
                             });
}

bool RunStore::mark_running(const std::string& run_id, TimePoint started_at) {
  return apply(RunWrite::start(run_id, to_epoch_ms(started_at)));
}

bool RunStore::mark_finished(const std::string& run_id, std::string_view status,
                             const std::optional<boost::json::value>& result,
                             const std::optional<boost::json::value>& error,
                             TimePoint finished_at) {
  if (!is_terminal_run_status(status))
    throw std::invalid_argument("cannot finish run '" + run_id + "' with status '" +
                                std::string(status) + "': not a terminal status");
  auto text = [](const std::optional<boost::json::value>& v) -> std::optional<std::string> {
    if (!v) return std::nullopt;
    return boost::json::serialize(*v);
  };
  return apply(RunWrite::finish(run_id, std::string(status), text(result), text(error),
                                to_epoch_ms(finished_at)));
}

bool RunStore::mark_waiting(const std::string& run_id, const boost::json::value& question) {
  return apply(RunWrite::waiting(run_id, boost::json::serialize(question)));
}

bool RunStore::mark_answered(const std::string& run_id) {
  return apply(RunWrite::answered(run_id));
}

void RunStore::save_checkpoint(const std::string& run_id, const boost::json::value& state) {
  apply(RunWrite::checkpoint(run_id, boost::json::serialize(state)));
}

std::optional<boost::json::value> RunStore::checkpoint(const std::string& run_id) {
  return with_leased_session(manager_, "reading the checkpoint of run '" + run_id + "'",
                             [&](soci::session& sql) -> std::optional<boost::json::value> {
                               std::string text;
                               soci::indicator ind = soci::i_null;
                               sql << "SELECT checkpoint FROM runs WHERE run_id = :r",
                                   soci::use(run_id), soci::into(text, ind);
                               if (!sql.got_data() || ind != soci::i_ok) return std::nullopt;
                               return parse_json_column(text, run_id, "checkpoint");
                             });
}

std::optional<RunRecord> RunStore::find_run(const std::string& run_id, const std::string& user_id) {
  return with_leased_session(
      manager_, "reading run '" + run_id + "'",
      [&](soci::session& sql) -> std::optional<RunRecord> {
        soci::rowset<soci::row> rows =
            (sql.prepare << "SELECT " + kRunColumns +
                                " FROM runs WHERE run_id = :r AND user_id = :u",
             soci::use(run_id), soci::use(user_id));
        for (const auto& row : rows) return run_from_row(row);
        return std::nullopt;
      });
}

std::map<std::string, std::uint64_t> RunStore::count_runs_by_status(const std::string& user_id) {
  return with_leased_session(manager_, "counting the runs of a user", [&](soci::session& sql) {
    std::map<std::string, std::uint64_t> counts;
    std::string status;
    long long count = 0;
    // SQLite keeps the counts in run_counts (migration 6 says why); PostgreSQL counts
    // through its index on (user_id, status).
    const char* query =
        manager_.backend() == "sqlite3"
            ? "SELECT status, runs FROM run_counts WHERE user_id = :u"
            : "SELECT status, COUNT(*) FROM runs WHERE user_id = :u GROUP BY status";
    soci::statement statement =
        (sql.prepare << query, soci::into(status), soci::into(count), soci::use(user_id));
    statement.execute();
    while (statement.fetch()) counts[status] = static_cast<std::uint64_t>(count);
    return counts;
  });
}

std::vector<RunRecord> RunStore::runs_of_thread(const std::string& thread_id,
                                                const std::string& user_id, std::size_t limit,
                                                const std::string& after_run_id) {
  constexpr auto kMax = static_cast<std::size_t>(std::numeric_limits<long long>::max());
  const long long max_rows = static_cast<long long>(std::min(limit, kMax));
  // Page order is (created_at, run_id); the cursor run's place in it is read in the
  // same statement (no such run of this thread: no rows).
  const std::string after = after_run_id.empty()
                                ? std::string()
                                : " AND (created_at, run_id) > (SELECT created_at, run_id FROM runs"
                                  " WHERE run_id = :a AND thread_id = :t2 AND user_id = :u2)";
  return with_leased_session(
      manager_, "reading the runs of thread '" + thread_id + "'", [&](soci::session& sql) {
        std::vector<RunRecord> runs;
        const std::string query = "SELECT " + kRunColumns +
                                  " FROM runs WHERE thread_id = :t AND user_id = :u" + after +
                                  " ORDER BY created_at, run_id LIMIT :l";
        auto read = [&](const soci::rowset<soci::row>& rows) {
          for (const auto& row : rows) runs.push_back(run_from_row(row));
        };
        if (after_run_id.empty())
          read((sql.prepare << query, soci::use(thread_id), soci::use(user_id),
                soci::use(max_rows)));
        else
          read((sql.prepare << query, soci::use(thread_id), soci::use(user_id),
                soci::use(after_run_id), soci::use(thread_id), soci::use(user_id),
                soci::use(max_rows)));
        return runs;
      });
}

std::vector<events::Event> RunStore::events_after(const std::string& run_id,
                                                  const std::string& user_id,
                                                  std::uint64_t after_seq, std::size_t limit) {
  constexpr auto kMax = static_cast<std::uint64_t>(std::numeric_limits<long long>::max());
  const long long after = static_cast<long long>(std::min<std::uint64_t>(after_seq, kMax));
  const long long max_rows = static_cast<long long>(std::min<std::uint64_t>(limit, kMax));
  return with_leased_session(
      manager_, "reading the events of run '" + run_id + "'", [&](soci::session& sql) {
        std::vector<events::Event> events;
        soci::rowset<soci::row> rows =
            (sql.prepare << "SELECT run_id, seq, user_id, thread_id, type, agent_name,"
                            " timestamp, payload FROM events"
                            " WHERE run_id = :r AND user_id = :u AND seq > :s"
                            " ORDER BY seq LIMIT :l",
             soci::use(run_id), soci::use(user_id), soci::use(after), soci::use(max_rows));
        for (const auto& row : rows) {
          events::Event event;
          event.run_id = text_column(row, 0);
          event.seq = static_cast<std::uint64_t>(int64_column(row, 1));
          event.user_id = text_column(row, 2);
          event.thread_id = text_column(row, 3);
          event.type = text_column(row, 4);
          event.agent_name = text_column(row, 5);
          event.timestamp = from_epoch_ms(int64_column(row, 6));
          auto payload = parse_json_column(text_column(row, 7), run_id, "events.payload");
          if (!payload.is_object())
            throw DatabaseError("event " + std::to_string(event.seq) + " of run '" + run_id +
                                "' has a payload that is not a JSON object");
          event.payload = std::move(payload.as_object());
          events.push_back(std::move(event));
        }
        return events;
      });
}

std::vector<RunStore::UnfinishedRun> RunStore::unfinished_runs() {
  return with_leased_session(manager_, "reading unfinished runs", [&](soci::session& sql) {
    std::vector<UnfinishedRun> runs;
    const std::string last_event =
        " FROM events e WHERE e.run_id = runs.run_id"
        " ORDER BY e.seq DESC LIMIT 1)";
    soci::rowset<soci::row> rows =
        (sql.prepare << "SELECT " + kRunColumns +
                            ", (SELECT COALESCE(MAX(e.seq), 0) FROM events e"
                            " WHERE e.run_id = runs.run_id), resume_count, checkpoint,"
                            " (SELECT e.type" +
                            last_event + ", (SELECT e.payload" + last_event +
                            " FROM runs WHERE status IN " + kUnfinished +
                            " ORDER BY created_at, run_id");
    for (const auto& row : rows) {
      UnfinishedRun u;
      u.run = run_from_row(row);
      u.last_seq = static_cast<std::uint64_t>(int64_column(row, 12));
      u.resume_count = static_cast<std::uint64_t>(int64_column(row, 13));
      if (auto text = optional_text_column(row, 14))
        u.checkpoint = parse_json_column(*text, u.run.run_id, "checkpoint");
      const auto type = optional_text_column(row, 15);
      if (type && events::is_terminal_event_type(*type)) {
        auto payload = parse_json_column(optional_text_column(row, 16).value_or("{}"), u.run.run_id,
                                         "payload");
        u.stored_ending = UnfinishedRun::StoredEnding{
            *type, payload.is_object() ? std::move(payload.get_object()) : boost::json::object{}};
      }
      runs.push_back(std::move(u));
    }
    return runs;
  });
}

bool RunStore::requeue_for_resume(const std::string& run_id, bool count) {
  return with_leased_session(
      manager_, "queueing run '" + run_id + "' to resume", [&](soci::session& sql) {
        const long long increment = count ? 1 : 0;
        soci::statement st =
            (sql.prepare << "UPDATE runs SET status = 'queued', resume_count = resume_count + :i"
                            " WHERE run_id = :r AND status IN " +
                                kUnfinished,
             soci::use(increment), soci::use(run_id));
        return update_guarded(sql, st, run_id, "queue to resume");
      });
}

}  // namespace agenthost::database
