#pragma once
/// \file
/// DatabaseSession: the run's own SOCI session, leased from the host's pool for the
/// run's lifetime. Every statement made through it runs inside the run's one
/// transaction, which the first sql() call begins (a run that never calls it sends
/// no BEGIN). The host commits it when run() returns and rolls it back when the run
/// fails, times out or is cancelled; agents never commit or roll back themselves.

#include <soci/session.h>

#include <string>

namespace agenthost {

class DatabaseSession {
 public:
  virtual ~DatabaseSession() = default;

  /// The run's soci::session. Throws agenthost::RunEnded once the run is over (the
  /// session has gone back to the pool): never keep the reference beyond run().
  virtual soci::session& sql() = 0;

  /// "sqlite3" or "postgresql", for the rare statement that differs.
  virtual const std::string& backend() const = 0;

 protected:
  DatabaseSession() = default;
  DatabaseSession(const DatabaseSession&) = delete;
  DatabaseSession& operator=(const DatabaseSession&) = delete;
};

}  // namespace agenthost
