#include "database/run_database_session.hpp"

#include <soci/postgresql/soci-postgresql.h>
#include <soci/soci.h>
#include <soci/sqlite3/soci-sqlite3.h>

#include <spdlog/spdlog.h>
#include <agenthost/event_emitter.hpp>

#include "database/driver_message.hpp"

namespace agenthost::database {

RunDatabaseSession::RunDatabaseSession(DatabaseSessionManager::Lease lease,
                                       const agenthost::ExecutionContext& context)
    : lease_(std::move(lease)), backend_(lease_.backend()), context_(context) {}

RunDatabaseSession::~RunDatabaseSession() { rollback(); }

soci::session& RunDatabaseSession::sql() {
  std::lock_guard lock(mutex_);
  if (state_ != State::open)
    throw agenthost::RunEnded("the database session of run '" + context_.run_id() +
                              "' has ended (" +
                              (state_ == State::committed ? "committed" : "rolled back") +
                              "); keep no reference to it beyond run()");
  if (!begun_) {
    // Begun on first use: most runs never touch the database, and then pay no
    // BEGIN/ROLLBACK round trips.
    try {
      lease_.session().begin();
    } catch (const std::exception& e) {
      state_ = State::rolled_back;
      lease_.discard();
      lease_.release();
      throw DatabaseError("run '" + context_.run_id() +
                          "': cannot begin the agent's transaction: " + driver_message(e));
    }
    begun_ = true;
  }
  return lease_.session();
}

const std::string& RunDatabaseSession::backend() const { return backend_; }

bool RunDatabaseSession::is_open() const {
  std::lock_guard lock(mutex_);
  return state_ == State::open;
}

void RunDatabaseSession::commit() {
  std::lock_guard lock(mutex_);
  if (state_ != State::open)
    throw DatabaseError("run '" + context_.run_id() +
                        "': commit after the transaction was already " +
                        (state_ == State::committed ? "committed" : "rolled back"));
  try {
    if (begun_) lease_.session().commit();
  } catch (const std::exception& e) {
    // PostgreSQL has already discarded a failed commit; SQLite may still hold it.
    rollback_locked();
    throw DatabaseError("run '" + context_.run_id() + "': committing the agent's writes failed (" +
                        driver_message(e) + "); they were rolled back");
  }
  state_ = State::committed;
  lease_.release();
}

void RunDatabaseSession::rollback() noexcept {
  std::lock_guard lock(mutex_);
  rollback_locked();
}

void RunDatabaseSession::rollback_locked() noexcept {
  if (state_ != State::open) return;
  state_ = State::rolled_back;
  try {
    if (begun_) lease_.session().rollback();
  } catch (const std::exception& e) {
    spdlog::warn(
        "[{}] rolling back the agent's transaction failed ({}); closing the session "
        "instead, which discards it",
        context_.correlation_id(), driver_message(e));
    lease_.discard();
  }
  lease_.release();
}

void RunDatabaseSession::interrupt() noexcept {
  std::lock_guard lock(mutex_);
  if (state_ != State::open || !begun_ || !lease_) return;  // no statement before BEGIN
  try {
    // The backend classes export no typeinfo, so no dynamic_cast: the backend name
    // tells which one it is.
    auto* backend = lease_.session().get_backend();
    if (backend_ == "sqlite3") {
      sqlite_api::sqlite3_interrupt(static_cast<soci::sqlite3_session_backend*>(backend)->conn_);
    } else if (backend_ == "postgresql") {
      auto* pg = static_cast<soci::postgresql_session_backend*>(backend);
      if (PGcancel* cancel = PQgetCancel(pg->conn_)) {
        char reason[256] = {};
        if (!PQcancel(cancel, reason, sizeof reason))
          spdlog::warn("[{}] cancelling the agent's statement failed: {}",
                       context_.correlation_id(), reason);
        PQfreeCancel(cancel);
      }
    }
  } catch (const std::exception& e) {
    spdlog::warn("[{}] cannot interrupt the agent's statement: {}", context_.correlation_id(),
                 e.what());
  }
}

}  // namespace agenthost::database
