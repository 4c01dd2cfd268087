#include "database/session_pool.hpp"

#include <soci/postgresql/soci-postgresql.h>
#include <soci/soci.h>
#include <soci/sqlite3/soci-sqlite3.h>

#include <spdlog/spdlog.h>

#include <filesystem>
#include <mutex>
#include <system_error>

#include "database/database_error.hpp"
#include "database/driver_message.hpp"
#include "database/sqlite_busy_wait.hpp"
#include "database/sqlite_library.hpp"

#include <chrono>
#include <string_view>
#include <thread>

namespace agenthost::database {
namespace {

void configure_sqlite(soci::session& sql, const DatabaseOptions& options,
                      const std::string& masked) {
  // First: switching a new file to WAL takes its lock, and another process opening
  // the same file at once (worker processes starting together) must wait for it,
  // not fail with "database is locked".
  install_busy_wait(static_cast<soci::sqlite3_session_backend*>(sql.get_backend())->conn_,
                    options.busy_timeout);
  // WAL lets readers (event replay, run lookups) proceed while one writer commits.
  // SQLite answers this pragma SQLITE_BUSY without calling the busy handler while
  // another connection opens or recovers the WAL (worker processes starting at once
  // on the agents' file): it is retried here for up to busy_timeout.
  std::string mode;
  for (const auto deadline = std::chrono::steady_clock::now() + options.busy_timeout;;) {
    try {
      sql << "PRAGMA journal_mode=WAL", soci::into(mode);
      break;
    } catch (const soci::soci_error& e) {
      if (std::string_view(e.what()).find("database is locked") == std::string_view::npos ||
          std::chrono::steady_clock::now() >= deadline)
        throw;
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
  }
  if (mode != "wal")
    throw DatabaseError("SQLite database '" + masked + "' refused WAL journal mode (got '" + mode +
                        "'); put the file on a local file system that supports it");
  sql << "PRAGMA synchronous=NORMAL";
  sql << "PRAGMA foreign_keys=ON";
  // SOCI 4.0's SQLite backend fills a process-wide map of column types on the first
  // query that describes its columns (into a soci::row), without a lock: two threads
  // doing that first at once race (ThreadSanitizer caught two replays of events). One
  // such query here, once, while the first pool opens on one thread, fills it before
  // any session is shared.
  static std::once_flag column_types_filled;
  std::call_once(column_types_filled, [&] {
    soci::row row;
    sql << "SELECT 1 AS warm_up", soci::into(row);
  });
}

// libpq prints server notices ("relation already exists, skipping") to stderr by
// default; they belong in the debug log.
void log_postgres_notice(void*, const char* message) {
  std::string text(message ? message : "");
  while (!text.empty() && text.back() == '\n') text.pop_back();
  spdlog::debug("postgresql: {}", text);
}

}  // namespace

SessionPool::SessionPool(DatabaseOptions opts, DatabaseUrl parsed)
    : options(std::move(opts)), url(std::move(parsed)) {}

std::unique_ptr<soci::session> SessionPool::open_session() const {
  if (url.backend == "sqlite3") {
    std::error_code ec;
    std::filesystem::create_directories(url.sqlite_path.parent_path(), ec);
    if (ec)
      throw DatabaseError("cannot create directory '" + url.sqlite_path.parent_path().string() +
                          "' for the SQLite database: " + ec.message());
  }
  try {
    std::unique_ptr<soci::session> sql;
    if (url.backend == "sqlite3") {
      configure_sqlite_library();
      sql = std::make_unique<soci::session>(*soci::factory_sqlite3(), url.connect_string);
      configure_sqlite(*sql, options, url.masked);
    } else {
      sql = std::make_unique<soci::session>(*soci::factory_postgresql(), url.connect_string);
      // The backend classes export no typeinfo; the factory says which one it is.
      auto* backend = static_cast<soci::postgresql_session_backend*>(sql->get_backend());
      PQsetNoticeProcessor(backend->conn_, &log_postgres_notice, nullptr);
    }
    return sql;
  } catch (const DatabaseError&) {
    throw;
  } catch (const std::exception& e) {
    throw DatabaseError("cannot open database '" + url.masked +
                        "': " + scrub_secrets(driver_message(e), url.secrets) +
                        " (check the URL, that the server runs and the credentials)");
  }
}

}  // namespace agenthost::database
