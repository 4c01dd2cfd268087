#include "database_test_support.hpp"

#include <soci/postgresql/soci-postgresql.h>
#include <soci/soci.h>

#include <cstdlib>
#include <iostream>
#include <random>
#include <sstream>
#include <stdexcept>
#include <string_view>

#include "database/database_url.hpp"

namespace agenthost::database::test {
namespace {

const char* pg_url() {
  const char* url = std::getenv("AGENTHOST_TEST_PG_URL");
  return url && *url ? url : nullptr;
}

std::string random_hex() {
  static std::mt19937_64 rng{std::random_device{}()};
  static std::mutex m;
  std::lock_guard lock(m);
  std::ostringstream out;
  out << std::hex << rng();
  return out.str();
}

}  // namespace

std::vector<std::string> backends_for(const char* pg_url, const char* ci) {
  std::vector<std::string> b{"sqlite3"};
  if (pg_url && *pg_url) {
    b.push_back("postgresql");
    return b;
  }
  // In CI a skipped backend is a failure: a green run must have tested both.
  if (ci && std::string_view(ci) == "true")
    throw std::runtime_error(
        "AGENTHOST_TEST_PG_URL is not set and CI=true: the PostgreSQL tests must run in CI "
        "(scripts/test.sh starts a cluster with scripts/pg_test_cluster.sh)");
  return b;
}

const std::vector<std::string>& backends_under_test() {
  // Throws (failing every test that asks) on each call while the environment says CI.
  static const std::vector<std::string> backends = [] {
    auto b = backends_for(std::getenv("AGENTHOST_TEST_PG_URL"), std::getenv("CI"));
    if (b.size() == 1)
      std::cerr << "WARN: PostgreSQL tests skipped: AGENTHOST_TEST_PG_URL is not set (start "
                   "one with scripts/pg_test_cluster.sh start DIR and export its URL)\n";
    return b;
  }();
  return backends;
}

std::string unique_id(const std::string& prefix) { return prefix + "-" + random_hex(); }

TestDatabase::TestDatabase(const std::string& backend) : backend_(backend) {
  if (backend == "sqlite3") {
    dir_ = std::filesystem::temp_directory_path() / ("agenthost-db-test-" + random_hex());
    std::filesystem::create_directories(dir_);
    url_ = "sqlite:" + (dir_ / "host.db").string();
    return;
  }
  const char* base = pg_url();
  if (!base) throw std::runtime_error("PostgreSQL test database requested without a URL");
  pg_schema_ = "t_" + random_hex();
  soci::session admin(soci::postgresql, parse_database_url(base).connect_string);
  admin << "CREATE SCHEMA " + pg_schema_;
  std::string url = base;
  url += (url.find('?') == std::string::npos ? "?" : "&");
  url += "options=-csearch_path%3D" + pg_schema_;
  url_ = url;
}

TestDatabase::~TestDatabase() {
  try {
    if (!pg_schema_.empty()) {
      soci::session admin(soci::postgresql, parse_database_url(pg_url()).connect_string);
      admin << "SET client_min_messages = warning";
      admin << "DROP SCHEMA " + pg_schema_ + " CASCADE";
    }
    if (!dir_.empty()) std::filesystem::remove_all(dir_);
  } catch (const std::exception& e) {
    std::cerr << "WARN: test database cleanup failed: " << e.what() << "\n";
  }
}

DatabaseOptions TestDatabase::options() const {
  DatabaseOptions o;
  o.url = url_;
  o.pool_size = 4;
  o.busy_timeout = std::chrono::milliseconds(5000);
  o.acquire_timeout = std::chrono::milliseconds(5000);
  return o;
}

std::unique_ptr<DatabaseSessionManager> TestDatabase::open(
    const std::function<void(DatabaseOptions&)>& change) const {
  auto o = options();
  if (change) change(o);
  return std::make_unique<DatabaseSessionManager>(o);
}

std::unique_ptr<DatabaseSessionManager> TestDatabase::open_migrated(
    const std::function<void(DatabaseOptions&)>& change) const {
  auto manager = open(change);
  apply_migrations(*manager);
  return manager;
}

void take_events_table_away(DatabaseSessionManager& manager) {
  auto lease = manager.acquire();
  lease.session() << "ALTER TABLE events RENAME TO events_away";
}

void restore_events_table(DatabaseSessionManager& manager) {
  auto lease = manager.acquire();
  lease.session() << "ALTER TABLE events_away RENAME TO events";
}

}  // namespace agenthost::database::test
