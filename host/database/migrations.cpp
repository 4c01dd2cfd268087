#include "database/migrations.hpp"

#include <soci/soci.h>

#include <chrono>
#include <string>
#include <vector>

#include "database/database_session_manager.hpp"
#include "database/driver_message.hpp"
#include "database/time_columns.hpp"

namespace agenthost::database {
namespace {

// Portable SQL in `statements`: they run on SQLite and PostgreSQL. Times are BIGINT
// epoch milliseconds, JSON is TEXT. `sqlite_only` runs after them on SQLite alone.
struct Migration {
  std::int64_t version;
  std::vector<std::string> statements;
  std::vector<std::string> sqlite_only = {};
};

// One more run of NEW's user in NEW's status (SQLite's UPSERT; the row may be new).
constexpr const char* kCountNewStatus =
    "INSERT INTO run_counts (user_id, status, runs) VALUES (NEW.user_id, NEW.status, 1)"
    " ON CONFLICT (user_id, status) DO UPDATE SET runs = runs + 1;";
constexpr const char* kUncountOldStatus =
    "UPDATE run_counts SET runs = runs - 1 WHERE user_id = OLD.user_id AND status = OLD.status;";

const std::vector<Migration>& migrations() {
  static const std::vector<Migration> all = {
      {1,
       {
           "CREATE TABLE threads ("
           " thread_id TEXT PRIMARY KEY,"
           " user_id TEXT NOT NULL,"
           " created_at BIGINT NOT NULL)",
           "CREATE TABLE runs ("
           " run_id TEXT PRIMARY KEY,"
           " thread_id TEXT NOT NULL REFERENCES threads (thread_id),"
           " user_id TEXT NOT NULL,"
           " agent_name TEXT NOT NULL,"
           " status TEXT NOT NULL CHECK (status IN ('queued', 'running', 'completed', 'failed',"
           " 'cancelled', 'timed_out', 'interrupted')),"
           " input TEXT NOT NULL,"
           " result TEXT,"
           " error TEXT,"
           " created_at BIGINT NOT NULL,"
           " started_at BIGINT,"
           " finished_at BIGINT)",
           "CREATE INDEX runs_by_thread ON runs (thread_id)",
           "CREATE INDEX runs_by_user_status ON runs (user_id, status)",
           "CREATE TABLE events ("
           " run_id TEXT NOT NULL,"
           " seq BIGINT NOT NULL,"
           " user_id TEXT NOT NULL,"
           " thread_id TEXT NOT NULL,"
           " type TEXT NOT NULL,"
           " agent_name TEXT NOT NULL,"
           " timestamp BIGINT NOT NULL,"
           " payload TEXT NOT NULL,"
           " PRIMARY KEY (run_id, seq))",
       }},
      // Retention finds finished runs by age without a scan.
      {2, {"CREATE INDEX runs_by_finished_at ON runs (finished_at)"}},
      // Runs that ask their user (status waiting_input, the pending question) and
      // checkpoints. The status CHECK cannot be altered in place on SQLite: the table
      // is rebuilt, by statements both backends accept.
      {3,
       {
           "CREATE TABLE runs_v3 ("
           " run_id TEXT PRIMARY KEY,"
           " thread_id TEXT NOT NULL REFERENCES threads (thread_id),"
           " user_id TEXT NOT NULL,"
           " agent_name TEXT NOT NULL,"
           " status TEXT NOT NULL CHECK (status IN ('queued', 'running', 'waiting_input',"
           " 'completed', 'failed', 'cancelled', 'timed_out', 'interrupted')),"
           " input TEXT NOT NULL,"
           " result TEXT,"
           " error TEXT,"
           " created_at BIGINT NOT NULL,"
           " started_at BIGINT,"
           " finished_at BIGINT,"
           " question TEXT,"
           " checkpoint TEXT,"
           " resume_count BIGINT NOT NULL DEFAULT 0)",
           "INSERT INTO runs_v3 (run_id, thread_id, user_id, agent_name, status, input, result,"
           " error, created_at, started_at, finished_at)"
           " SELECT run_id, thread_id, user_id, agent_name, status, input, result, error,"
           " created_at, started_at, finished_at FROM runs",
           "DROP TABLE runs",
           "ALTER TABLE runs_v3 RENAME TO runs",
           "CREATE INDEX runs_by_thread ON runs (thread_id)",
           "CREATE INDEX runs_by_user_status ON runs (user_id, status)",
           "CREATE INDEX runs_by_finished_at ON runs (finished_at)",
       }},
      // Model tokens per run, endpoint and UTC day (issue 11): GET /v1/runs/{id}'s usage,
      // GET /v1/me/usage and the daily budgets. Kept when retention deletes the run, so
      // a user's usage of the day and month stays right.
      {4,
       {
           "CREATE TABLE model_usage ("
           " run_id TEXT NOT NULL,"
           " endpoint TEXT NOT NULL,"
           " day BIGINT NOT NULL,"
           " user_id TEXT NOT NULL,"
           " prompt_tokens BIGINT NOT NULL,"
           " completion_tokens BIGINT NOT NULL,"
           " calls BIGINT NOT NULL,"
           " estimated INTEGER NOT NULL,"
           " PRIMARY KEY (run_id, endpoint, day))",
           "CREATE INDEX model_usage_by_user_day ON model_usage (user_id, day)",
       }},
      // The status CHECK as comparisons joined by OR: SQLite evaluates `status IN (8
      // constants)` by building a temporary b-tree of the 8 on every INSERT and UPDATE
      // of a run (seen in the profile, with the malloc/free of its pages). Same rebuild
      // as version 3.
      {5,
       {
           "CREATE TABLE runs_v5 ("
           " run_id TEXT PRIMARY KEY,"
           " thread_id TEXT NOT NULL REFERENCES threads (thread_id),"
           " user_id TEXT NOT NULL,"
           " agent_name TEXT NOT NULL,"
           " status TEXT NOT NULL CHECK (status = 'queued' OR status = 'running'"
           " OR status = 'waiting_input' OR status = 'completed' OR status = 'failed'"
           " OR status = 'cancelled' OR status = 'timed_out' OR status = 'interrupted'),"
           " input TEXT NOT NULL,"
           " result TEXT,"
           " error TEXT,"
           " created_at BIGINT NOT NULL,"
           " started_at BIGINT,"
           " finished_at BIGINT,"
           " question TEXT,"
           " checkpoint TEXT,"
           " resume_count BIGINT NOT NULL DEFAULT 0)",
           "INSERT INTO runs_v5 (run_id, thread_id, user_id, agent_name, status, input, result,"
           " error, created_at, started_at, finished_at, question, checkpoint, resume_count)"
           " SELECT run_id, thread_id, user_id, agent_name, status, input, result, error,"
           " created_at, started_at, finished_at, question, checkpoint, resume_count FROM runs",
           "DROP TABLE runs",
           "ALTER TABLE runs_v5 RENAME TO runs",
           "CREATE INDEX runs_by_thread ON runs (thread_id)",
           "CREATE INDEX runs_by_user_status ON runs (user_id, status)",
           "CREATE INDEX runs_by_finished_at ON runs (finished_at)",
       }},
      // SQLite: a user's runs counted by status in run_counts, kept by triggers, in
      // place of the index runs_by_user_status. That index put every run in its user's
      // part of the index three times (queued, running, final): a page per user in
      // nearly every commit of the event log's writer, half of the pages it wrote (12
      // pwrite per run with it, 4 without, under 100 users' short runs). The counts
      // fit a few pages for thousands of users. SQLite's writes are serialised, so the
      // counter rows are never contended; PostgreSQL keeps the index: there, the
      // writer's batches and retention's deletes would lock the counter rows of many
      // users in different orders (deadlocks) and submissions would queue behind them.
      {6,
       {},
       {
           "CREATE TABLE run_counts ("
           " user_id TEXT NOT NULL,"
           " status TEXT NOT NULL,"
           " runs BIGINT NOT NULL,"
           " PRIMARY KEY (user_id, status)) WITHOUT ROWID",
           "INSERT INTO run_counts (user_id, status, runs)"
           " SELECT user_id, status, COUNT(*) FROM runs GROUP BY user_id, status",
           std::string("CREATE TRIGGER run_counts_on_insert AFTER INSERT ON runs BEGIN ") +
               kCountNewStatus + " END",
           std::string("CREATE TRIGGER run_counts_on_status AFTER UPDATE OF status ON runs"
                       " WHEN OLD.status <> NEW.status BEGIN ") +
               kUncountOldStatus + " " + kCountNewStatus + " END",
           std::string("CREATE TRIGGER run_counts_on_delete AFTER DELETE ON runs BEGIN ") +
               kUncountOldStatus + " END",
           "DROP INDEX runs_by_user_status",
       }},
  };
  return all;
}

// Any constant: every agenthost host uses this key to serialise migrations.
constexpr long long kMigrationLockKey = 0x6167656e74686f73;  // "agenthos"

}  // namespace

std::int64_t latest_schema_version() noexcept { return migrations().back().version; }

void apply_migrations(DatabaseSessionManager& manager) {
  apply_migrations(manager, latest_schema_version());
}

void apply_migrations(DatabaseSessionManager& manager, std::int64_t target) {
  auto lease = manager.acquire();
  auto& sql = lease.session();
  const bool sqlite = manager.backend() == "sqlite3";
  std::int64_t current = 0;
  std::int64_t step = 0;
  try {
    // BEGIN IMMEDIATE takes SQLite's write lock now, so two hosts cannot both read
    // version N and both apply N+1.
    if (sqlite) {
      sql << "BEGIN IMMEDIATE";
    } else {
      sql.begin();
      sql << "SELECT pg_advisory_xact_lock(" + std::to_string(kMigrationLockKey) + ")";
    }
    try {
      sql << "CREATE TABLE IF NOT EXISTS schema_version ("
             " version BIGINT PRIMARY KEY,"
             " applied_at BIGINT NOT NULL)";
      soci::indicator ind = soci::i_ok;
      long long recorded = 0;
      sql << "SELECT MAX(version) FROM schema_version", soci::into(recorded, ind);
      current = ind == soci::i_null ? 0 : recorded;
      if (current > latest_schema_version())
        throw DatabaseError("database '" + manager.masked_url() + "' has schema version " +
                            std::to_string(current) + " but this agenthost only knows up to " +
                            std::to_string(latest_schema_version()) +
                            "; run a newer agenthost against it");
      const long long now = to_epoch_ms(std::chrono::system_clock::now());
      for (const auto& migration : migrations()) {
        if (migration.version <= current || migration.version > target) continue;
        step = migration.version;
        for (const auto& statement : migration.statements) sql << statement;
        if (sqlite)
          for (const auto& statement : migration.sqlite_only) sql << statement;
        long long version = migration.version;
        sql << "INSERT INTO schema_version (version, applied_at) VALUES (:v, :t)",
            soci::use(version), soci::use(now);
      }
      sql.commit();
    } catch (...) {
      try {
        sql.rollback();
      } catch (...) {
        lease.discard();
      }
      throw;
    }
  } catch (const DatabaseError&) {
    throw;
  } catch (const std::exception& e) {
    throw DatabaseError("migrating database '" + manager.masked_url() + "' from version " +
                        std::to_string(current) +
                        (step ? " failed at migration " + std::to_string(step) : " failed") + ": " +
                        driver_message(e) + " (nothing was applied)");
  }
}

}  // namespace agenthost::database
