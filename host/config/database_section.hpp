#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include "config/duration.hpp"
#include "config/schema.hpp"

namespace agenthost::config {

/// Section `database`: where the host keeps its data.
struct DatabaseSettings {
  /// "sqlite:PATH" or "postgresql://...". Empty in the file means
  /// "sqlite:<server.data_dir>/agenthost.db". After loading never empty, and a SQLite PATH is
  /// absolute (a relative one is taken from the config file's directory).
  std::string url;
  /// Where agents' own tables live (their db() sessions): "sqlite:PATH" or
  /// "postgresql://...". Empty in the file means, for a SQLite `url`, the file
  /// agent-data.db beside it; for PostgreSQL, `url` itself. After loading never empty.
  std::string agent_url;
  std::uint32_t pool_size = 8;              ///< 1 .. 256
  std::uint32_t max_sessions_per_user = 2;  ///< 1 .. 256, at most pool_size in effect
  Duration busy_timeout{std::chrono::seconds(5)};
};

/// Keys of section `database`.
const ObjectSchema<DatabaseSettings>& database_schema();

/// `url`, or the default SQLite file in `data_dir` (absolute) when `url` is empty.
std::string complete_database_url(const std::string& url, const std::string& data_dir);

/// `agent_url`, or its default for the completed `url` when `agent_url` is empty: a
/// SQLite file gets agent-data.db in its directory (SQLite has one writer at a time,
/// and an agent that wrote holds that lock until its run ends: in a file of their
/// own, agents never hold up the host's event storage, and cannot read the host's
/// tables); PostgreSQL and ":memory:" keep `url`.
std::string complete_agent_database_url(const std::string& agent_url, const std::string& url);

}  // namespace agenthost::config
