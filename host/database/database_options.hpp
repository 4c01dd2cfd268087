#pragma once
/// \file
/// DatabaseOptions: where the host's database is and how its session pool behaves.

#include <chrono>
#include <cstdint>
#include <string>

namespace agenthost::database {

struct DatabaseOptions {
  /// "sqlite:/abs/path.db" (also "sqlite:///abs/path.db"; a relative path is taken
  /// from the current directory) or "postgresql://user:pw@host:port/db?..." (any
  /// libpq connection URI; "postgres://" works too).
  std::string url;
  /// Sessions opened at construction and shared by the host and the runs.
  std::uint32_t pool_size = 8;
  /// SQLite: how long a statement waits for another connection's write lock.
  std::chrono::milliseconds busy_timeout{5000};
  /// How long acquire() waits for a free session before "pool exhausted".
  std::chrono::milliseconds acquire_timeout{5000};
};

}  // namespace agenthost::database
