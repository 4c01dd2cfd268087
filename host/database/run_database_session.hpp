#pragma once
/// \file
/// RunDatabaseSession: the agent's DatabaseSession for one run, a pooled session
/// inside one transaction that the host ends exactly once.

#include <agenthost/database_session.hpp>
#include <agenthost/execution_context.hpp>

#include <mutex>
#include <string>

#include "database/database_session_manager.hpp"

namespace agenthost::database {

/// Created by the host when a run starts and ended by the host after run()
/// returns: commit() when it succeeded, rollback() otherwise (or simply destroy
/// it). commit(), rollback() and the destructor must not run while the agent is
/// still inside a statement on sql(): a soci::session serves one thread at a time.
/// To stop a statement that is taking too long (timeout, cancel), call interrupt()
/// from any thread first.
class RunDatabaseSession final : public agenthost::DatabaseSession {
 public:
  /// Holds the leased session for the run; the transaction begins with the agent's
  /// first sql() call (a run that never uses the database costs no round trip).
  RunDatabaseSession(DatabaseSessionManager::Lease lease,
                     const agenthost::ExecutionContext& context);
  /// Rolls back if still open and gives the session back to the pool. Never throws.
  ~RunDatabaseSession() override;

  /// The session, while the run's transaction is open; the first call begins it
  /// (throws DatabaseError naming the run when BEGIN fails: the session is then
  /// given back and the run's database use is over). Afterwards throws
  /// agenthost::RunEnded naming the run. Thread-safe check; the returned session
  /// itself is for the run's thread.
  soci::session& sql() override;
  const std::string& backend() const override;

  /// Commits the agent's writes and gives the session back. Throws DatabaseError
  /// naming the run when the commit fails (the writes are then rolled back and the
  /// session is given back all the same), and when the transaction has already
  /// ended: a second end is an error for commit().
  void commit();
  /// Discards the agent's writes and gives the session back. Never throws: if the
  /// ROLLBACK itself fails, the connection is closed, which discards the
  /// transaction on both backends. A no-op once the transaction has ended.
  void rollback() noexcept;
  /// Cancels the statement the agent is running now, if any (SQLite:
  /// sqlite3_interrupt; PostgreSQL: a cancel request); the agent's call then throws.
  /// Safe from any thread; a no-op once the transaction has ended.
  void interrupt() noexcept;
  /// True until commit() or rollback().
  bool is_open() const;

 private:
  enum class State { open, committed, rolled_back };
  void rollback_locked() noexcept;

  mutable std::mutex mutex_;
  DatabaseSessionManager::Lease lease_;
  const std::string backend_;
  const agenthost::ExecutionContext context_;  // names the run in errors and log lines
  State state_ = State::open;
  bool begun_ = false;  // BEGIN sent (by the first sql())
};

}  // namespace agenthost::database
