// TestDatabase / TestDatabaseSession: an in-memory SQLite database and the agent's
// transaction on it, with the states and messages of the host's RunDatabaseSession.

#include "agenthost/testing/test_database.hpp"

#include <soci/soci.h>
#include <soci/sqlite3/soci-sqlite3.h>

#include <agenthost/event_emitter.hpp>

#include <atomic>
#include <mutex>
#include <stdexcept>

namespace agenthost::testing {

struct TestDatabase::State {
  soci::session sql;
  std::atomic<bool> in_run{false};
};

TestDatabase::TestDatabase() : state_(std::make_shared<State>()) {
  state_->sql.open(soci::sqlite3, "db=:memory:");
  state_->sql << "PRAGMA foreign_keys = ON";
}

TestDatabase::~TestDatabase() = default;

soci::session& TestDatabase::sql() {
  if (state_->in_run.load(std::memory_order_acquire))
    throw std::logic_error(
        "TestDatabase::sql(): a run's transaction is open on this database; use it before "
        "start() or after wait() returns");
  return state_->sql;
}

long long TestDatabase::count_rows(const std::string& table) {
  long long count = 0;
  sql() << "SELECT COUNT(*) FROM " + table, soci::into(count);
  return count;
}

struct TestDatabaseSession::Impl {
  enum class State { open, committed, rolled_back };

  // The caller holds `mutex`.
  void rollback_locked() noexcept {
    if (state != State::open) return;
    state = State::rolled_back;
    try {
      if (begun) db->sql.rollback();
    } catch (const std::exception&) {
      // An in-memory database: nothing else can hold the transaction; the session
      // itself is reset by the next begin.
    }
    db->in_run.store(false, std::memory_order_release);
  }

  // The caller holds `mutex`.
  void throw_if_ended_locked() const {
    if (state != State::open)
      throw agenthost::RunEnded("the database session of run '" + run_id + "' has ended (" +
                                (state == State::committed ? "committed" : "rolled back") +
                                "); keep no reference to it beyond run()");
  }

  std::shared_ptr<TestDatabase::State> db;
  std::string run_id;
  const std::string backend = "sqlite3";
  mutable std::mutex mutex;
  State state = State::open;
  bool begun = false;  // the run-level transaction (first sql())
};

TestDatabaseSession::TestDatabaseSession(TestDatabase& database,
                                         const agenthost::ExecutionContext& context)
    : impl_(std::make_unique<Impl>()) {
  impl_->db = database.state_;
  impl_->run_id = context.run_id();
  if (impl_->db->in_run.exchange(true, std::memory_order_acq_rel))
    throw std::logic_error("TestDatabaseSession for run '" + impl_->run_id +
                           "': another run's transaction is open on this TestDatabase (one "
                           "run at a time per database)");
}

TestDatabaseSession::~TestDatabaseSession() { rollback(); }

soci::session& TestDatabaseSession::sql() {
  std::lock_guard lock(impl_->mutex);
  impl_->throw_if_ended_locked();
  if (!impl_->begun) {
    impl_->db->sql.begin();
    impl_->begun = true;
  }
  return impl_->db->sql;
}

void TestDatabaseSession::transaction(const std::function<void(soci::session&)>& work) {
  bool inside_run_level = false;
  {
    std::lock_guard lock(impl_->mutex);
    impl_->throw_if_ended_locked();
    inside_run_level = impl_->begun;
  }
  auto& sql = impl_->db->sql;
  if (inside_run_level) {
    work(sql);
    return;
  }
  sql.begin();
  try {
    work(sql);
  } catch (...) {
    sql.rollback();
    throw;
  }
  sql.commit();
}

const std::string& TestDatabaseSession::backend() const { return impl_->backend; }

void TestDatabaseSession::commit() {
  std::lock_guard lock(impl_->mutex);
  if (impl_->state != Impl::State::open)
    throw std::runtime_error(
        "run '" + impl_->run_id + "': commit after the transaction was already " +
        (impl_->state == Impl::State::committed ? "committed" : "rolled back"));
  try {
    if (impl_->begun) impl_->db->sql.commit();
  } catch (const std::exception& e) {
    impl_->rollback_locked();
    throw std::runtime_error("run '" + impl_->run_id + "': committing the agent's writes failed (" +
                             e.what() + "); they were rolled back");
  }
  impl_->state = Impl::State::committed;
  impl_->db->in_run.store(false, std::memory_order_release);
}

void TestDatabaseSession::rollback() noexcept {
  std::lock_guard lock(impl_->mutex);
  impl_->rollback_locked();
}

void TestDatabaseSession::interrupt() noexcept {
  std::lock_guard lock(impl_->mutex);
  if (impl_->state != Impl::State::open) return;
  // Always SQLite here. (Debian's libsoci_sqlite3 does not export the backend's
  // typeinfo, so a dynamic_cast would not link.)
  auto* lite = static_cast<soci::sqlite3_session_backend*>(impl_->db->sql.get_backend());
  sqlite_api::sqlite3_interrupt(lite->conn_);
}

bool TestDatabaseSession::is_open() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->state == Impl::State::open;
}

bool TestDatabaseSession::committed() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->state == Impl::State::committed;
}

}  // namespace agenthost::testing
