#pragma once
/// \file
/// SessionPool: the state shared by a DatabaseSessionManager and its leases
/// (internal to the database component).

#include <soci/session.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "database/database_options.hpp"
#include "database/database_url.hpp"
#include "fiber/fair_queue.hpp"

namespace agenthost::database {

class SessionPool {
 public:
  SessionPool(DatabaseOptions options, DatabaseUrl url);

  /// Opens and configures one session; throws DatabaseError.
  std::unique_ptr<soci::session> open_session() const;

  const DatabaseOptions options;
  const DatabaseUrl url;

  /// Who waits: a user, and what receives the session slot (null: discarded, to be
  /// reopened by the receiver).
  struct Receiver {
    std::string user;
    std::function<void(std::unique_ptr<soci::session>)> receive;
  };

  std::mutex mutex;
  /// Free sessions; a null entry is a slot whose session was discarded and is
  /// reopened by the next holder.
  std::vector<std::unique_ptr<soci::session>> idle;
  /// Who waits for a session, served in turn by user: a returned session goes
  /// straight to the next of them.
  fiber::FairQueue<Receiver> waiting;
  /// Sessions held per user (only users holding some are listed).
  std::unordered_map<std::string, std::uint32_t> held;
  std::uint32_t in_use = 0;

  /// Whether `user` may take one more session (the caller holds `mutex`).
  bool below_share(const std::string& user) const {
    if (options.max_sessions_per_user == 0) return true;
    auto it = held.find(user);
    return it == held.end() || it->second < options.max_sessions_per_user;
  }
  std::uint64_t waits = 0;
  std::chrono::nanoseconds total_wait{0};
};

}  // namespace agenthost::database
