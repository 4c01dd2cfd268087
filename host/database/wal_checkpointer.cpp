#include "database/wal_checkpointer.hpp"

#include <soci/sqlite3/soci-sqlite3.h>
#include <spdlog/spdlog.h>

#include "threads/thread_name.hpp"

namespace agenthost::database {
namespace {

using namespace sqlite_api;  // NOLINT: the SQLite C API, as SOCI's header declares it

sqlite3* native(soci::session& sql) {
  return static_cast<soci::sqlite3_session_backend*>(sql.get_backend())->conn_;
}

}  // namespace

WalCheckpointer::WalCheckpointer(std::unique_ptr<soci::session> own) : own_(std::move(own)) {
  thread_ = threads::start_named("ah-checkpoint", [this] { run(); });
}

WalCheckpointer::~WalCheckpointer() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

void WalCheckpointer::watch(soci::session& writer) {
  sqlite3_wal_hook(native(writer), &WalCheckpointer::on_commit, this);
}

void WalCheckpointer::unwatch(soci::session& writer) noexcept {
  // Installs SQLite's own hook again, with its default threshold.
  sqlite3_wal_autocheckpoint(native(writer), kStartPages);
}

std::uint64_t WalCheckpointer::checkpoints() const {
  std::lock_guard lock(mutex_);
  return checkpoints_;
}

std::uint64_t WalCheckpointer::writer_checkpoints() const {
  std::lock_guard lock(mutex_);
  return writer_checkpoints_;
}

int WalCheckpointer::on_commit(void* self, sqlite_api::sqlite3* writer, const char* database,
                               int pages) {
  auto& c = *static_cast<WalCheckpointer*>(self);
  if (pages >= kWriterPages) {
    // On the writer's thread, between its transactions: completes what the thread
    // has not copied yet, so that the next transaction starts the log over.
    const int rc =
        sqlite3_wal_checkpoint_v2(writer, database, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
    if (rc != SQLITE_OK && rc != SQLITE_BUSY)
      spdlog::warn("SQLite checkpoint by the event log's writer failed: {}", sqlite3_errstr(rc));
    std::lock_guard lock(c.mutex_);
    ++c.writer_checkpoints_;
    return SQLITE_OK;
  }
  {
    std::lock_guard lock(c.mutex_);
    if (pages < c.last_pages_) c.next_pages_ = kStartPages;  // the log started over
    c.last_pages_ = pages;
    if (pages < c.next_pages_ || c.wanted_) return SQLITE_OK;
    c.wanted_ = true;
    c.next_pages_ = pages + kStepPages;  // not after every commit (see kStepPages)
  }
  c.wake_.notify_one();
  return SQLITE_OK;
}

void WalCheckpointer::run() {
  std::unique_lock lock(mutex_);
  for (;;) {
    wake_.wait(lock, [&] { return wanted_ || stopping_; });
    if (stopping_) return;
    wanted_ = false;
    lock.unlock();
    // SQLITE_BUSY: another checkpoint (the writer's) is running; the next commit asks
    // again.
    const int rc = sqlite3_wal_checkpoint_v2(native(*own_), nullptr, SQLITE_CHECKPOINT_PASSIVE,
                                             nullptr, nullptr);
    if (rc != SQLITE_OK && rc != SQLITE_BUSY)
      spdlog::warn("SQLite checkpoint failed: {}; the writer checkpoints itself past {} pages",
                   sqlite3_errstr(rc), kWriterPages);
    lock.lock();
    ++checkpoints_;
  }
}

}  // namespace agenthost::database
