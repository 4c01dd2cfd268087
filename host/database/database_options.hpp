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
  /// Sessions one user's runs may hold at once (acquire_async's user); more of that
  /// user's requests wait in line while other users' are served. 0: no cap (the
  /// host's own pool, whose only user is the host).
  std::uint32_t max_sessions_per_user = 0;
};

}  // namespace agenthost::database
