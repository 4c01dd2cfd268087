#pragma once
/// \file
/// How this process sets up the SQLite library itself, before its first connection.

namespace agenthost::database {

/// Once per process, before the first SQLite connection opens (later calls do
/// nothing): SQLite in multi-thread mode, without its memory statistics.
///
/// Debian builds SQLite serialized: every call into a connection takes that
/// connection's mutex, and with memory statistics on every allocation SQLite makes
/// takes one process-wide mutex. The event log's writer spent about a tenth of its
/// time locking and unlocking them (perf, closed-100). Neither buys anything here: a
/// connection is only ever used by one thread at a time (a pooled session is leased
/// to one holder, the writer and the checkpointer have their own, and SOCI's sessions
/// are not thread-safe anyway); sqlite3_interrupt, the one call made from another
/// thread, is safe in either mode; and nothing reads SQLite's memory statistics.
/// If SQLite was initialized before (another library in this process used it first),
/// it keeps its settings and a debug line says so.
void configure_sqlite_library();

}  // namespace agenthost::database
