#include "database/sqlite_library.hpp"

#include <soci/sqlite3/soci-sqlite3.h>
#include <spdlog/spdlog.h>

#include <mutex>

namespace agenthost::database {

void configure_sqlite_library() {
  static std::once_flag configured;
  std::call_once(configured, [] {
    // Both fail (SQLITE_MISUSE) once the library is initialized: then they change nothing.
    const int mode = sqlite_api::sqlite3_config(SQLITE_CONFIG_MULTITHREAD);
    const int stats = sqlite_api::sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
    if (mode != SQLITE_OK || stats != SQLITE_OK)
      spdlog::debug(
          "SQLite was initialized before the host configured it (codes {} and {}): it stays "
          "serialized, with memory statistics",
          mode, stats);
  });
}

}  // namespace agenthost::database
