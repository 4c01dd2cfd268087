#pragma once
/// \file
/// DatabaseSessionManager: a fixed pool of soci::session to the host's database,
/// all opened at construction. The host leases one session per short operation
/// (RunStore), one for the event writer (EventLog) and one per run for the run's
/// agent (RunDatabaseSession).

#include <soci/session.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "database/database_error.hpp"
#include "database/database_options.hpp"

namespace agenthost::database {

class SessionPool;  // the shared state behind the manager and its leases

class DatabaseSessionManager {
 public:
  /// Opens `options.pool_size` sessions now so a wrong URL, a missing server or bad
  /// credentials fail at startup. SQLite: creates the file's parent directory and
  /// sets on every session journal_mode=WAL, busy_timeout, synchronous=NORMAL and
  /// foreign_keys=ON. Throws DatabaseError (masked URL and the driver's reason).
  explicit DatabaseSessionManager(DatabaseOptions options);
  ~DatabaseSessionManager();
  DatabaseSessionManager(const DatabaseSessionManager&) = delete;
  DatabaseSessionManager& operator=(const DatabaseSessionManager&) = delete;

  /// Exclusive use of one pooled session until destroyed or release()d. Move-only.
  /// A lease may outlive its manager (the session is then closed on release). The
  /// holder must end any transaction it began before giving the session back.
  class Lease {
   public:
    Lease(Lease&& other) noexcept;
    Lease& operator=(Lease&& other) noexcept;
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    ~Lease();

    /// The leased session. Throws DatabaseError when the lease was moved from or
    /// released.
    soci::session& session();
    /// "sqlite3" or "postgresql".
    const std::string& backend() const;
    /// Marks the session as broken (lost connection, unknown transaction state):
    /// on release it is closed, and the pool opens a fresh one when next needed.
    void discard() noexcept;
    /// Gives the session back now; session() throws afterwards.
    void release() noexcept;
    /// True while the lease holds a session.
    explicit operator bool() const noexcept { return session_ != nullptr; }

   private:
    friend class DatabaseSessionManager;
    Lease(std::shared_ptr<SessionPool> pool, std::unique_ptr<soci::session> session);

    std::shared_ptr<SessionPool> pool_;
    std::unique_ptr<soci::session> session_;
    bool discard_ = false;
  };

  /// Leases a free session, waiting up to options.acquire_timeout for one. Thread-
  /// safe. Throws DatabaseError("database pool exhausted ...") after the wait, or
  /// when a session that had been discarded cannot be reopened.
  Lease acquire();

  /// "sqlite3" or "postgresql".
  const std::string& backend() const;
  /// The URL with its password masked, for messages.
  const std::string& masked_url() const;

  struct Stats {
    std::uint32_t size = 0;                  ///< sessions in the pool
    std::uint32_t in_use = 0;                ///< currently leased
    std::uint32_t waiting = 0;               ///< acquire() calls blocked right now
    std::uint64_t waits = 0;                 ///< acquire() calls that found no free session at once
    std::chrono::nanoseconds total_wait{0};  ///< time those calls spent waiting
  };
  Stats stats() const;

 private:
  std::shared_ptr<SessionPool> pool_;
};

}  // namespace agenthost::database
