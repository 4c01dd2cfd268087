#pragma once
/// \file
/// DatabaseSession: the run's access to the agents' database, in two forms.
///
///  - transaction(work): a scoped transaction. A pooled session is leased (waiting in
///    a queue that is fair between users, while the run is suspended), `work` runs in
///    one transaction that is committed when it returns and rolled back when it
///    throws, and the session goes back to the pool at once. Use it in agents that
///    wait (for a model, a tool, a person): nothing is held across the wait.
///  - sql(): the run-level transaction. The first call leases a session and begins a
///    transaction that lasts the whole run: the host commits it when run() returns and
///    rolls it back when the run fails, times out or is cancelled. Simple, but the
///    session (one of database.pool_size) stays leased while the run waits.
///
/// Agents never commit or roll back themselves.

#include <soci/session.h>

#include <functional>
#include <string>

namespace agenthost {

class DatabaseSession {
 public:
  virtual ~DatabaseSession() = default;

  /// The run's soci::session, inside the run-level transaction (begun by the first
  /// call). Throws agenthost::RunEnded once the run is over or stopped while waiting
  /// for a session: never keep the reference beyond run(). Statements run on the
  /// calling thread.
  virtual soci::session& sql() = 0;

  /// Runs `work` in a transaction of its own on a pooled session and commits it when
  /// `work` returns; rolls it back and rethrows when `work` throws, and throws the
  /// database's error when the commit fails. The run is suspended while it waits for
  /// a session and while `work` runs (on the host's pool for blocking calls): `work`
  /// may use what the caller's stack holds. Inside a run-level transaction (after
  /// sql()) `work` runs on that session, as part of it. Throws agenthost::RunEnded
  /// when the run is over, or stopped while waiting for a session; a stop request
  /// meanwhile interrupts the statement `work` is running.
  virtual void transaction(const std::function<void(soci::session&)>& work) = 0;

  /// "sqlite3" or "postgresql", for the rare statement that differs.
  virtual const std::string& backend() const = 0;

 protected:
  DatabaseSession() = default;
  DatabaseSession(const DatabaseSession&) = delete;
  DatabaseSession& operator=(const DatabaseSession&) = delete;
};

}  // namespace agenthost
