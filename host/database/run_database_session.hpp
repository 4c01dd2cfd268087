#pragma once
/// \file
/// RunDatabaseSession: the agent's DatabaseSession for one run. It holds no pooled
/// session until the agent needs one, and then only as long as the transaction
/// needs it: a scoped transaction() gives its session back when the block ends; the
/// run-level transaction (sql()) keeps its session until the host ends it.

#include <agenthost/database_session.hpp>
#include <agenthost/execution_context.hpp>

#include <mutex>
#include <optional>
#include <string>

#include "database/database_session_manager.hpp"
#include "fiber/fiber_waiter.hpp"

namespace agenthost::database {

/// Created by the host when a run starts and ended by the host after run()
/// returns: commit() when it succeeded, rollback() otherwise (or simply destroy
/// it). commit(), rollback() and the destructor must not run while the agent is
/// still inside a statement: a soci::session serves one thread at a time. To stop a
/// statement that is taking too long (timeout, cancel), call interrupt() from any
/// thread first.
///
/// Waiting for a session: in the pool's line for the run's user (fair between users,
/// no timeout but the run's own); the run is suspended meanwhile (`waiter`), and a
/// stop request ends the wait at once with agenthost::RunEnded.
class RunDatabaseSession final : public agenthost::DatabaseSession {
 public:
  /// Leases nothing yet. `manager` (the agents' pool) and `waiter` (the run's) must
  /// outlive the session.
  RunDatabaseSession(DatabaseSessionManager& manager, const agenthost::ExecutionContext& context,
                     fiber::FiberWaiter& waiter);
  /// Rolls back if still open and gives any session back to the pool. Never throws.
  ~RunDatabaseSession() override;

  /// The run-level transaction's session; the first call leases one and begins it
  /// (throws DatabaseError naming the run when BEGIN fails: the session is then
  /// given back and the run's database use is over). Afterwards, or when the run is
  /// stopped while waiting for a session, throws agenthost::RunEnded naming the run.
  soci::session& sql() override;
  /// See agenthost::DatabaseSession::transaction.
  void transaction(const std::function<void(soci::session&)>& work) override;
  const std::string& backend() const override;

  /// Commits the run-level transaction (if sql() began one) and ends the session:
  /// sql() and transaction() throw RunEnded afterwards. Throws DatabaseError naming
  /// the run when the commit fails (the writes are then rolled back and the session
  /// given back all the same), and when the session has already ended.
  void commit();
  /// Discards the run-level transaction's writes (if any) and ends the session.
  /// Never throws: if the ROLLBACK itself fails, the connection is closed, which
  /// discards the transaction on both backends. A no-op once ended.
  void rollback() noexcept;
  /// Cancels the statement the agent is running now, in either kind of transaction
  /// (SQLite: sqlite3_interrupt; PostgreSQL: a cancel request); the agent's call then
  /// throws. Safe from any thread; a no-op when no statement can be running.
  void interrupt() noexcept;
  /// True until commit() or rollback().
  bool is_open() const;
  /// True while a pooled session is leased (a run-level or scoped transaction).
  bool holds_session() const;

 private:
  enum class State { open, committed, rolled_back };
  /// Waits in line for a session (suspending the run); throws RunEnded when stopped.
  DatabaseSessionManager::Lease lease();
  void throw_if_ended_locked() const;
  void rollback_locked() noexcept;

  DatabaseSessionManager& manager_;
  const agenthost::ExecutionContext context_;  // names the run in errors and log lines
  fiber::FiberWaiter& waiter_;

  mutable std::mutex mutex_;  // never held across a wait: only around state changes
  State state_ = State::open;
  std::optional<DatabaseSessionManager::Lease> run_lease_;  // the run-level transaction's
  soci::session* scoped_ = nullptr;  // the session of a scoped transaction in progress
};

}  // namespace agenthost::database
