#include "database/sqlite_busy_wait.hpp"

#include <soci/sqlite3/soci-sqlite3.h>

#include <algorithm>
#include <cstdint>
#include <thread>

namespace agenthost::database {

namespace {

using Clock = std::chrono::steady_clock;

// SQLite calls this on the thread running the blocked statement, with `tries` 0 for
// the first retry of each wait: the wait's start is kept per thread (a connection
// is used by one thread at a time).
int busy_wait(void* timeout_ms, int tries) {
  thread_local Clock::time_point started;
  const auto now = Clock::now();
  if (tries == 0) started = now;
  const auto timeout = std::chrono::milliseconds(reinterpret_cast<std::intptr_t>(timeout_ms));
  if (now - started >= timeout) return 0;  // give up: the statement fails "database is locked"
  if (tries == 0) {
    std::this_thread::yield();
  } else {
    const int doublings = std::min(tries - 1, 6);  // 20 us .. 1280 us, capped at 1 ms
    std::this_thread::sleep_for(
        std::min(std::chrono::microseconds(20 << doublings), std::chrono::microseconds(1000)));
  }
  return 1;
}

}  // namespace

void install_busy_wait(sqlite_api::sqlite3* connection, std::chrono::milliseconds timeout) {
  // The timeout travels in the handler's argument: nothing to keep alive.
  const auto ms =
      static_cast<std::intptr_t>(std::max<std::chrono::milliseconds::rep>(0, timeout.count()));
  sqlite_api::sqlite3_busy_handler(connection, &busy_wait, reinterpret_cast<void*>(ms));
}

}  // namespace agenthost::database
