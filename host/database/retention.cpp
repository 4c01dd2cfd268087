#include "database/retention.hpp"

#include <soci/soci.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <string_view>
#include <vector>

#include "database/guarded_session.hpp"
#include "database/time_columns.hpp"
#include "database/write_transaction.hpp"
#include "threads/thread_name.hpp"

namespace agenthost::database {

namespace {

constexpr std::string_view kFinished =
    "status IN ('completed', 'failed', 'cancelled', 'timed_out', 'interrupted')";

// Bytes, not characters, of a TEXT column: SQLite's LENGTH counts characters of
// text but bytes of a blob; PostgreSQL has OCTET_LENGTH.
std::string bytes_of(const std::string& backend, const std::string& column) {
  return backend == "sqlite3" ? "LENGTH(CAST(" + column + " AS BLOB))"
                              : "OCTET_LENGTH(" + column + ")";
}

std::string run_bytes(const std::string& backend) {
  return bytes_of(backend, "input") + " + COALESCE(" + bytes_of(backend, "result") +
         ", 0) + COALESCE(" + bytes_of(backend, "error") + ", 0)";
}

// Deletes the runs and their events in one transaction; the events deleted.
std::uint64_t delete_runs(DatabaseSessionManager& manager, const std::vector<std::string>& ids) {
  return with_leased_session(manager, "retention: deleting finished runs", [&](soci::session& sql) {
    WriteTransaction tx(sql);
    std::uint64_t events = 0;
    for (const auto& id : ids) {
      soci::statement del = (sql.prepare << "DELETE FROM events WHERE run_id = :r", soci::use(id));
      del.execute(true);
      events += static_cast<std::uint64_t>(del.get_affected_rows());
      // Only a run still finished: a retention pass never races a run's own writes.
      sql << "DELETE FROM runs WHERE run_id = :r AND " << kFinished, soci::use(id);
    }
    tx.commit();
    return events;
  });
}

void delete_batch(DatabaseSessionManager& manager, const std::vector<std::string>& ids,
                  RetentionReport& report) {
  if (ids.empty()) return;
  report.events_deleted += delete_runs(manager, ids);
  report.runs_deleted += ids.size();
  ++report.batches;
}

// Finished runs whose finished_at is before `cutoff`, oldest first, at most `limit`.
std::vector<std::string> runs_finished_before(DatabaseSessionManager& manager, long long cutoff,
                                              std::uint32_t limit) {
  return with_leased_session(manager, "retention: finding old runs", [&](soci::session& sql) {
    std::vector<std::string> ids;
    std::string id;
    const int n = static_cast<int>(limit);
    soci::statement st = (sql.prepare << "SELECT run_id FROM runs WHERE finished_at < :c AND "
                                      << kFinished << " ORDER BY finished_at LIMIT :n",
                          soci::into(id), soci::use(cutoff), soci::use(n));
    st.execute();
    while (st.fetch()) ids.push_back(id);
    return ids;
  });
}

struct Covering {
  std::vector<std::string> ids;
  std::uint64_t bytes = 0;
};

// The user's oldest finished runs whose bytes (with their events) add up to at least
// `excess`, at most `limit` of them.
Covering oldest_runs_covering(DatabaseSessionManager& manager, const std::string& user,
                              std::uint64_t excess, std::uint32_t limit) {
  return with_leased_session(
      manager, "retention: finding a user's oldest runs", [&](soci::session& sql) {
        const auto& backend = manager.backend();
        Covering out;
        std::string id;
        long long bytes = 0;
        const int n = static_cast<int>(limit);
        soci::statement st =
            (sql.prepare << "SELECT r.run_id, " << run_bytes(backend) << " + COALESCE((SELECT SUM("
                         << bytes_of(backend, "e.payload")
                         << ") FROM events e WHERE e.run_id = r.run_id), 0)"
                            " FROM runs r WHERE r.user_id = :u AND r."
                         << kFinished << " ORDER BY r.finished_at LIMIT :n",
             soci::into(id), soci::into(bytes), soci::use(user), soci::use(n));
        st.execute();
        while (out.bytes < excess && st.fetch()) {
          out.ids.push_back(id);
          out.bytes += static_cast<std::uint64_t>(bytes);
        }
        return out;
      });
}

}  // namespace

std::map<std::string, std::uint64_t> storage_by_user(DatabaseSessionManager& manager) {
  return with_leased_session(manager, "retention: measuring storage", [&](soci::session& sql) {
    const auto& backend = manager.backend();
    std::map<std::string, std::uint64_t> out;
    std::string user;
    long long bytes = 0;
    soci::statement st =
        (sql.prepare << "SELECT user_id, CAST(SUM(b) AS BIGINT) FROM ("
                        "SELECT user_id, "
                     << run_bytes(backend) << " AS b FROM runs UNION ALL SELECT user_id, "
                     << bytes_of(backend, "payload") << " AS b FROM events) s GROUP BY user_id",
         soci::into(user), soci::into(bytes));
    st.execute();
    while (st.fetch()) out[user] = static_cast<std::uint64_t>(bytes);
    return out;
  });
}

RetentionReport apply_retention(DatabaseSessionManager& manager, const RetentionPolicy& policy,
                                std::chrono::system_clock::time_point now,
                                const std::function<bool()>& keep_going) {
  RetentionReport report;
  const auto more = [&] { return !keep_going || keep_going(); };
  const auto batch = std::max<std::uint32_t>(policy.batch_runs, 1);
  if (policy.max_age.count() > 0) {
    const long long cutoff = to_epoch_ms(now - policy.max_age);
    for (std::vector<std::string> ids; more();) {
      ids = runs_finished_before(manager, cutoff, batch);
      delete_batch(manager, ids, report);
      if (ids.size() < batch) break;
    }
  }
  if (policy.max_bytes_per_user > 0) {
    for (const auto& [user, bytes] : storage_by_user(manager)) {
      auto stored = bytes;
      while (stored > policy.max_bytes_per_user && more()) {
        const auto found =
            oldest_runs_covering(manager, user, stored - policy.max_bytes_per_user, batch);
        if (found.ids.empty()) break;  // the rest is in runs not finished yet
        delete_batch(manager, found.ids, report);
        stored -= std::min(stored, found.bytes);
      }
    }
  }
  return report;
}

RetentionTask::RetentionTask(DatabaseSessionManager& manager, RetentionPolicy policy,
                             std::chrono::milliseconds interval)
    : manager_(manager), policy_(policy), interval_(interval) {}

RetentionTask::~RetentionTask() { stop(); }

void RetentionTask::start() {
  std::lock_guard lock(mutex_);
  if (thread_.joinable() || stopping_ || !policy_.enabled()) return;
  thread_ = threads::start_named("ah-retention", [this] { loop(); });
}

void RetentionTask::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

std::uint64_t RetentionTask::passes() const {
  std::lock_guard lock(mutex_);
  return passes_;
}

bool RetentionTask::stopping() const {
  std::lock_guard lock(mutex_);
  return stopping_;
}

void RetentionTask::loop() {
  for (;;) {
    try {
      const auto r = apply_retention(manager_, policy_, std::chrono::system_clock::now(),
                                     [this] { return !stopping(); });
      if (r.runs_deleted > 0)
        spdlog::info("retention: deleted {} finished run(s) and {} event(s) in {} batch(es)",
                     r.runs_deleted, r.events_deleted, r.batches);
    } catch (const std::exception& e) {
      spdlog::error("retention: {}; trying again in {} ms", e.what(), interval_.count());
    }
    std::unique_lock lock(mutex_);
    ++passes_;
    if (wake_.wait_for(lock, interval_, [this] { return stopping_; })) return;
  }
}

}  // namespace agenthost::database
