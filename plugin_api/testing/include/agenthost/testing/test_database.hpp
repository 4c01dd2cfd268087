#pragma once
/// \file
/// An in-memory SQLite database (the real SOCI sqlite3 backend) and the agent-facing
/// DatabaseSession on it, which behaves like the host's: the run's writes are inside
/// one transaction that the harness commits when the run succeeds and rolls back
/// otherwise, and sql() throws agenthost::RunEnded once the run is over.

#include <agenthost/database_session.hpp>
#include <agenthost/execution_context.hpp>

#include <soci/session.h>

#include <memory>
#include <string>

namespace agenthost::testing {

/// One in-memory SQLite database, empty when created and gone when destroyed. A test
/// uses sql() to create tables and rows before a run and to check the agent's writes
/// after it; a run uses it through a TestDatabaseSession.
class TestDatabase {
 public:
  /// Opens the database with foreign_keys=ON, as the host opens SQLite. Throws
  /// soci::soci_error when the SQLite backend cannot be opened.
  TestDatabase();
  ~TestDatabase();
  TestDatabase(const TestDatabase&) = delete;
  TestDatabase& operator=(const TestDatabase&) = delete;

  /// The test's own access. Throws std::logic_error while a TestDatabaseSession is
  /// open on this database (a soci::session serves one thread at a time, and the
  /// run's thread owns it until the run's transaction has ended).
  soci::session& sql();

  /// Shorthand for `SELECT COUNT(*) FROM <table>` (`table` is pasted into the SQL:
  /// pass only names written in the test).
  long long count_rows(const std::string& table);

 private:
  friend class TestDatabaseSession;
  struct State;
  std::shared_ptr<State> state_;
};

/// The DatabaseSession an agent gets on the TestDatabase's session. Mirrors the host's
/// RunDatabaseSession: the run-level transaction begins at the first sql() and is
/// ended exactly once by the owner (not by the agent); transaction(work) outside it
/// commits `work` on its own, inside it is part of it.
class TestDatabaseSession final : public agenthost::DatabaseSession {
 public:
  /// Claims `database` for this run. Throws std::logic_error when another session is
  /// open on it. Keeps the database alive as long as it lives.
  TestDatabaseSession(TestDatabase& database, const agenthost::ExecutionContext& context);
  /// Rolls back if still open.
  ~TestDatabaseSession() override;

  /// The session while the transaction is open; afterwards throws agenthost::RunEnded
  /// naming the run, as the host does.
  soci::session& sql() override;
  /// See agenthost::DatabaseSession::transaction; runs `work` on the calling thread.
  void transaction(const std::function<void(soci::session&)>& work) override;
  /// "sqlite3".
  const std::string& backend() const override;

  /// Commits the run's writes. Throws std::runtime_error when the commit fails (the
  /// writes are then rolled back) or the transaction has already ended.
  void commit();
  /// Discards the run's writes. A no-op once the transaction has ended.
  void rollback() noexcept;
  /// Interrupts the statement the agent is running now (sqlite3_interrupt), as the
  /// host does when a run is stopped. Any thread.
  void interrupt() noexcept;
  /// True until commit() or rollback().
  bool is_open() const;
  /// True after a successful commit().
  bool committed() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace agenthost::testing
