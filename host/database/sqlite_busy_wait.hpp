#pragma once
/// \file
/// How a SQLite connection waits for a lock another connection holds.

#include <chrono>

namespace sqlite_api {  // SOCI's namespace for the SQLite C API
struct sqlite3;
}

namespace agenthost::database {

/// Makes `connection` retry a locked database for up to `timeout` (0: fail at once),
/// sleeping 20 us at first and doubling up to 1 ms between tries. It replaces
/// SQLite's own handler (PRAGMA busy_timeout), whose sleeps start at 1 ms and grow to
/// 100 ms: the host's sessions take turns at SQLite's one write lock every few
/// hundred microseconds, and those whole-millisecond sleeps were most of a run's tail
/// latency under load (docs/benchmarks.md).
void install_busy_wait(sqlite_api::sqlite3* connection, std::chrono::milliseconds timeout);

}  // namespace agenthost::database
