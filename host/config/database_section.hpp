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
  std::uint32_t pool_size = 8;  ///< 1 .. 256
  Duration busy_timeout{std::chrono::seconds(5)};
};

/// Keys of section `database`.
const ObjectSchema<DatabaseSettings>& database_schema();

/// `url`, or the default SQLite file in `data_dir` (absolute) when `url` is empty.
std::string complete_database_url(const std::string& url, const std::string& data_dir);

}  // namespace agenthost::config
