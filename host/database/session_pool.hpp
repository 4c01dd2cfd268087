#pragma once
/// \file
/// SessionPool: the state shared by a DatabaseSessionManager and its leases
/// (internal to the database component).

#include <soci/session.h>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <vector>

#include "database/database_options.hpp"
#include "database/database_url.hpp"

namespace agenthost::database {

class SessionPool {
 public:
  SessionPool(DatabaseOptions options, DatabaseUrl url);

  /// Opens and configures one session; throws DatabaseError.
  std::unique_ptr<soci::session> open_session() const;

  const DatabaseOptions options;
  const DatabaseUrl url;

  std::mutex mutex;
  std::condition_variable returned;
  /// Free sessions; a null entry is a slot whose session was discarded and is
  /// reopened by the next acquire().
  std::vector<std::unique_ptr<soci::session>> idle;
  std::uint32_t in_use = 0;
  std::uint32_t waiting = 0;
  std::uint64_t waits = 0;
  std::chrono::nanoseconds total_wait{0};
};

}  // namespace agenthost::database
