#pragma once
/// \file
/// WalCheckpointer: keeps SQLite's write-ahead log short without stopping the event
/// log's writer. SQLite checkpoints inside the commit that takes the log past 1,000
/// pages: the committing thread copies the log into the database file and waits for
/// two fsyncs, and with one writer every run waiting on it waits too (in the load
/// suite that was most of the p99 at half the peak: 15-16 ms with it, 6-8 ms without).
///
/// Here the writer's connection only reports the log's size after each commit
/// (sqlite3_wal_hook, which replaces its automatic checkpoint); past kStartPages a
/// thread of this class copies the log on a connection of its own with a PASSIVE
/// checkpoint, which never waits for or blocks the writer or readers, and again each
/// time the log has grown by kStepPages more (not after every commit). A log that the
/// writer keeps growing faster than it is copied cannot start over from its
/// beginning, so past kWriterPages the writer checkpoints itself as SQLite would
/// have: by then most of the log is copied and the rest is short.

#include <soci/soci.h>

#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <thread>

namespace sqlite_api {  // SOCI's namespace for the SQLite C API
struct sqlite3;
}

namespace agenthost::database {

class WalCheckpointer {
 public:
  /// Log size (pages) at which the thread copies the log: SQLite's own default.
  static constexpr int kStartPages = 1000;
  /// Growth of the log past the last checkpoint's request before the next one. A
  /// checkpoint while the writer appends rarely copies the whole log, so the log does
  /// not start over; asked after every commit, checkpoints came back to back, each
  /// copying a few pages for two fsyncs. At 1,000 the writer, reaching kWriterPages,
  /// had that much left to copy itself, which doubled the p99 (docs/benchmarks.md).
  static constexpr int kStepPages = kStartPages / 4;
  /// Log size at which the writer checkpoints itself after a commit.
  static constexpr int kWriterPages = 8000;

  /// `own`: an open SQLite session to the same file, for this class alone.
  explicit WalCheckpointer(std::unique_ptr<soci::session> own);
  /// Stops the thread (a checkpoint in progress finishes first). The writer's
  /// connection must have been unwatch()ed before.
  ~WalCheckpointer();
  WalCheckpointer(const WalCheckpointer&) = delete;
  WalCheckpointer& operator=(const WalCheckpointer&) = delete;

  /// Takes over the automatic checkpoints of the writer's connection `writer`.
  void watch(soci::session& writer);
  /// Gives them back (SQLite's default) before the connection is used by others.
  void unwatch(soci::session& writer) noexcept;

  /// Checkpoints done by the thread and by the writer itself, so far.
  std::uint64_t checkpoints() const;
  std::uint64_t writer_checkpoints() const;

 private:
  static int on_commit(void* self, sqlite_api::sqlite3* writer, const char* database, int pages);
  void run();

  std::unique_ptr<soci::session> own_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  bool wanted_ = false;
  bool stopping_ = false;
  int last_pages_ = 0;            ///< the log's size after the last commit
  int next_pages_ = kStartPages;  ///< the size at which the next checkpoint is asked for
  std::uint64_t checkpoints_ = 0;
  std::uint64_t writer_checkpoints_ = 0;
  std::thread thread_;
};

}  // namespace agenthost::database
