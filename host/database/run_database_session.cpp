#include "database/run_database_session.hpp"

#include <soci/postgresql/soci-postgresql.h>
#include <soci/soci.h>
#include <soci/sqlite3/soci-sqlite3.h>

#include <spdlog/spdlog.h>
#include <agenthost/event_emitter.hpp>

#include <exception>
#include <memory>
#include <utility>

#include "database/driver_message.hpp"

namespace agenthost::database {
namespace {

// Cancels the statement running on `session` from another thread.
void interrupt_statement(soci::session& session, const std::string& backend,
                         const std::string& correlation_id) noexcept {
  try {
    // The backend classes export no typeinfo, so no dynamic_cast: the backend name
    // tells which one it is.
    auto* impl = session.get_backend();
    if (backend == "sqlite3") {
      sqlite_api::sqlite3_interrupt(static_cast<soci::sqlite3_session_backend*>(impl)->conn_);
    } else if (backend == "postgresql") {
      auto* pg = static_cast<soci::postgresql_session_backend*>(impl);
      if (PGcancel* cancel = PQgetCancel(pg->conn_)) {
        char reason[256] = {};
        if (!PQcancel(cancel, reason, sizeof reason))
          spdlog::warn("[{}] cancelling the agent's statement failed: {}", correlation_id, reason);
        PQfreeCancel(cancel);
      }
    }
  } catch (const std::exception& e) {
    spdlog::warn("[{}] cannot interrupt the agent's statement: {}", correlation_id, e.what());
  }
}

}  // namespace

RunDatabaseSession::RunDatabaseSession(DatabaseSessionManager& manager,
                                       const agenthost::ExecutionContext& context,
                                       fiber::FiberWaiter& waiter)
    : manager_(manager), context_(context), waiter_(waiter) {}

RunDatabaseSession::~RunDatabaseSession() { rollback(); }

void RunDatabaseSession::throw_if_ended_locked() const {
  if (state_ != State::open)
    throw agenthost::RunEnded("the database session of run '" + context_.run_id() +
                              "' has ended (" +
                              (state_ == State::committed ? "committed" : "rolled back") +
                              "); keep no reference to it beyond run()");
}

DatabaseSessionManager::Lease RunDatabaseSession::lease() {
  auto received = std::make_shared<DatabaseSessionManager::PendingSession>();
  std::uint64_t ticket = 0;
  const bool got = waiter_.await(
      [&](std::function<void()> wake) {
        ticket = manager_.acquire_async(
            context_.user_id(),
            [received, wake = std::move(wake)](DatabaseSessionManager::PendingSession session) {
              *received = std::move(session);
              wake();
            });
      },
      [&] { return manager_.cancel_acquire(ticket); }, context_.stop_token());
  const auto stopped = [&] {
    return agenthost::RunEnded("run '" + context_.run_id() +
                               "' was stopped while waiting for a database session");
  };
  if (!got) throw stopped();
  auto lease = manager_.take(std::move(*received), context_.user_id());
  if (context_.stop_requested()) throw stopped();  // the lease goes back to the pool
  return lease;
}

soci::session& RunDatabaseSession::sql() {
  {
    std::lock_guard lock(mutex_);
    throw_if_ended_locked();
    if (run_lease_) return run_lease_->session();
  }
  auto leased = lease();  // the run waits here, holding no lock
  std::lock_guard lock(mutex_);
  throw_if_ended_locked();
  if (run_lease_) return run_lease_->session();  // another of the agent's threads won
  try {
    leased.session().begin();
  } catch (const std::exception& e) {
    state_ = State::rolled_back;
    leased.discard();
    throw DatabaseError("run '" + context_.run_id() +
                        "': cannot begin the agent's transaction: " + driver_message(e));
  }
  run_lease_.emplace(std::move(leased));
  return run_lease_->session();
}

void RunDatabaseSession::transaction(const std::function<void(soci::session&)>& work) {
  soci::session* run_level = nullptr;
  {
    std::lock_guard lock(mutex_);
    throw_if_ended_locked();
    if (run_lease_) run_level = &run_lease_->session();
  }
  if (run_level) {  // inside the run-level transaction: part of it
    work(*run_level);
    return;
  }
  auto leased = lease();
  {
    std::lock_guard lock(mutex_);
    scoped_ = &leased.session();
  }
  struct ClearScoped {
    RunDatabaseSession& self;
    ~ClearScoped() {
      std::lock_guard lock(self.mutex_);
      self.scoped_ = nullptr;
    }
  } clear{*this};
  const auto& run_id = context_.run_id();
  waiter_.run_blocking([&] {
    auto& session = leased.session();
    try {
      session.begin();
    } catch (const std::exception& e) {
      leased.discard();
      throw DatabaseError("run '" + run_id + "': cannot begin a transaction: " + driver_message(e));
    }
    try {
      work(session);
    } catch (...) {
      try {
        session.rollback();
      } catch (const std::exception&) {
        leased.discard();  // closing the connection discards the transaction
      }
      throw;
    }
    try {
      session.commit();
    } catch (const std::exception& e) {
      try {
        session.rollback();  // PostgreSQL has discarded it already; SQLite may hold it
      } catch (const std::exception&) {
        leased.discard();
      }
      throw DatabaseError("run '" + run_id + "': committing a transaction failed (" +
                          driver_message(e) + "); its writes were rolled back");
    }
  });
}

const std::string& RunDatabaseSession::backend() const { return manager_.backend(); }

bool RunDatabaseSession::is_open() const {
  std::lock_guard lock(mutex_);
  return state_ == State::open;
}

bool RunDatabaseSession::holds_session() const {
  std::lock_guard lock(mutex_);
  return run_lease_.has_value() || scoped_ != nullptr;
}

void RunDatabaseSession::commit() {
  std::lock_guard lock(mutex_);
  if (state_ != State::open)
    throw DatabaseError("run '" + context_.run_id() +
                        "': commit after the transaction was already " +
                        (state_ == State::committed ? "committed" : "rolled back"));
  try {
    if (run_lease_) run_lease_->session().commit();
  } catch (const std::exception& e) {
    // PostgreSQL has already discarded a failed commit; SQLite may still hold it.
    rollback_locked();
    throw DatabaseError("run '" + context_.run_id() + "': committing the agent's writes failed (" +
                        driver_message(e) + "); they were rolled back");
  }
  state_ = State::committed;
  run_lease_.reset();
}

void RunDatabaseSession::rollback() noexcept {
  std::lock_guard lock(mutex_);
  rollback_locked();
}

void RunDatabaseSession::rollback_locked() noexcept {
  if (state_ != State::open) return;
  state_ = State::rolled_back;
  if (!run_lease_) return;
  try {
    run_lease_->session().rollback();
  } catch (const std::exception& e) {
    spdlog::warn(
        "[{}] rolling back the agent's transaction failed ({}); closing the session "
        "instead, which discards it",
        context_.correlation_id(), driver_message(e));
    run_lease_->discard();
  }
  run_lease_.reset();
}

void RunDatabaseSession::interrupt() noexcept {
  std::lock_guard lock(mutex_);
  if (state_ != State::open) return;
  const auto& backend = manager_.backend();
  if (run_lease_) interrupt_statement(run_lease_->session(), backend, context_.correlation_id());
  if (scoped_) interrupt_statement(*scoped_, backend, context_.correlation_id());
}

}  // namespace agenthost::database
