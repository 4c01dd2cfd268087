#pragma once
/// \file
/// DatabaseSessionManager: a fixed pool of soci::session to one database, all opened
/// at construction. The host leases one session per short operation (RunStore), one
/// for the event writer (EventLog); agents lease theirs from a pool of their own
/// (RunDatabaseSession) for a scoped transaction or for a run's run-level one.
///
/// Fairness: whoever finds no free session waits in a queue served in turn by user
/// (fiber::FairQueue), and a returned session goes straight to the next in line, so a
/// user with a hundred waiting runs delays another user's one run by at most one
/// hand-off per waiting user.

#include <soci/session.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <stop_token>
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
    Lease(std::shared_ptr<SessionPool> pool, std::unique_ptr<soci::session> session,
          std::string user);

    std::shared_ptr<SessionPool> pool_;
    std::unique_ptr<soci::session> session_;
    std::string user_;  // whose share it counts against
    bool discard_ = false;
  };

  /// Leases a free session, blocking the calling thread up to options.acquire_timeout
  /// for one (in the host's own line, user ""). For the host's short operations.
  /// Thread-safe. Throws DatabaseError("database pool exhausted ...") after the wait,
  /// or when a session that had been discarded cannot be reopened.
  Lease acquire();

  /// The waiting half of a lease for a run: `on_session` is called exactly once, on
  /// this thread or on the thread that returns a session, unless cancel_acquire()
  /// returns true first. Queued in `user_id`'s line when no session is free or the
  /// user already holds options.max_sessions_per_user; no timeout (the caller's own
  /// deadline or stop token bounds the wait). `on_session` must not throw. The
  /// receiver turns what it gets into a Lease with take(), under the same user.
  using PendingSession = std::unique_ptr<soci::session>;
  std::uint64_t acquire_async(const std::string& user_id,
                              std::function<void(PendingSession)> on_session);
  /// Takes a waiter out of the line: true when its callback will never be called.
  bool cancel_acquire(std::uint64_t ticket);
  /// The lease of a session acquire_async() handed over (reopened first when it had
  /// been discarded; on failure the slot goes back to the pool and this throws
  /// DatabaseError).
  Lease take(PendingSession session, const std::string& user_id);

  /// "sqlite3" or "postgresql".
  const std::string& backend() const;
  /// A session of its own (configured as the pooled ones, not counted in the pool) for
  /// a component that keeps one for its whole life and must not take a run's share
  /// (the SQLite checkpointer). Throws DatabaseError.
  std::unique_ptr<soci::session> open_dedicated_session() const;
  /// The URL with its password masked, for messages.
  const std::string& masked_url() const;

  struct Stats {
    std::uint32_t size = 0;                  ///< sessions in the pool
    std::uint32_t in_use = 0;                ///< currently leased
    std::uint32_t waiting = 0;               ///< leases waiting in line right now
    std::uint64_t waits = 0;                 ///< acquire() calls that found no free session at once
    std::chrono::nanoseconds total_wait{0};  ///< time those calls spent waiting
  };
  Stats stats() const;

 private:
  std::shared_ptr<SessionPool> pool_;
};

/// Gives `session`, held by `user`, to the next waiter of `pool` whose share allows,
/// or back to its free list (internal: Lease::release and take()'s failure path).
void return_session(SessionPool& pool, std::unique_ptr<soci::session> session,
                    const std::string& user);

}  // namespace agenthost::database
