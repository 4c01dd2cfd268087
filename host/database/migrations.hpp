#pragma once
/// \file
/// The host's schema, as an ordered list of migrations recorded in schema_version.

#include <cstdint>

namespace agenthost::database {

class DatabaseSessionManager;

/// The schema version this build creates and expects.
std::int64_t latest_schema_version() noexcept;

/// Brings the database to latest_schema_version(): creates schema_version if
/// missing, then applies each migration newer than the recorded version, all in one
/// transaction (concurrent hosts are serialised: SQLite BEGIN IMMEDIATE, PostgreSQL
/// an advisory lock). Idempotent. Throws DatabaseError when a statement fails
/// (nothing is applied) or when the database is newer than this build.
void apply_migrations(DatabaseSessionManager& manager);
/// The same, stopping at version `target` (a migration's test starts from the
/// version before it, with rows in it).
void apply_migrations(DatabaseSessionManager& manager, std::int64_t target);

}  // namespace agenthost::database
