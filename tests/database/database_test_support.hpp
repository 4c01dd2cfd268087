#pragma once
// Runs the database tests on every backend available: a real SQLite file in a
// fresh temp dir always, and a real PostgreSQL when AGENTHOST_TEST_PG_URL is set
// (each test then works in a schema of its own, dropped afterwards).

#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "database/database_session_manager.hpp"
#include "database/migrations.hpp"
#include "support/wait_until.hpp"

namespace agenthost::database::test {

/// "sqlite3", plus "postgresql" when AGENTHOST_TEST_PG_URL is set. Otherwise prints
/// the WARN line about skipped PostgreSQL tests once per process, or, when CI=true,
/// throws std::runtime_error: in CI a skipped backend fails the test.
const std::vector<std::string>& backends_under_test();

/// backends_under_test's rule for the values of AGENTHOST_TEST_PG_URL and CI (each
/// may be null).
std::vector<std::string> backends_for(const char* pg_url, const char* ci);

/// A unique id for this test's rows: "<prefix>-<random hex>".
std::string unique_id(const std::string& prefix);

/// A fresh, empty database of one backend for one test.
class TestDatabase {
 public:
  explicit TestDatabase(const std::string& backend);
  ~TestDatabase();
  TestDatabase(const TestDatabase&) = delete;
  TestDatabase& operator=(const TestDatabase&) = delete;

  /// Options pointing at this database (pool_size 4, short timeouts).
  DatabaseOptions options() const;
  /// A manager on options() with `change` applied first, not migrated.
  std::unique_ptr<DatabaseSessionManager> open(
      const std::function<void(DatabaseOptions&)>& change = {}) const;
  /// open() and apply_migrations().
  std::unique_ptr<DatabaseSessionManager> open_migrated(
      const std::function<void(DatabaseOptions&)>& change = {}) const;

  const std::string& backend() const { return backend_; }
  /// SQLite only: the temp dir holding the database file.
  const std::filesystem::path& dir() const { return dir_; }

 private:
  std::string backend_;
  std::filesystem::path dir_;
  std::string url_;
  std::string pg_schema_;
};

/// Storage that fails: the events table is renamed away, so every batch that stores
/// an event fails (run records alone still write) until restore_events_table().
void take_events_table_away(DatabaseSessionManager& manager);
void restore_events_table(DatabaseSessionManager& manager);

/// The tests' one wait_until (tests/support/wait_until.hpp).
using agenthost::testing::wait_until;

}  // namespace agenthost::database::test
