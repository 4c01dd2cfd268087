#pragma once
/// \file
/// UnauthenticatedConnections: the connections that have not yet sent an
/// authenticated request, capped for the whole server (server.
/// max_unauthenticated_connections). Admitting one more at the cap evicts the oldest:
/// a flood of idle or slow sockets then cycles through the pool instead of filling
/// the process's descriptors, and a client that sends its credentials promptly (a
/// request's headers, or a WebSocket upgrade) leaves the pool before it can be
/// evicted. Authenticated connections are never in the pool (they are capped per
/// user instead), so no number of anonymous sockets can close them. Thread-safe;
/// holds weak references only.

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>

#include "server/session_registry.hpp"

namespace agenthost::server {

class UnauthenticatedConnections {
 public:
  using Id = std::uint64_t;

  /// `max` at least 1.
  explicit UnauthenticatedConnections(std::size_t max) : max_(max) {}

  struct Admission {
    Id id = 0;
    /// The oldest connection, taken out of the pool to make room: the caller shuts it
    /// down (outside any lock). Null when there was room (or it was already gone).
    std::shared_ptr<Session> evicted;
  };
  /// Adds `session` as the newest; at the cap, takes the oldest out first.
  Admission admit(std::weak_ptr<Session> session);

  /// Takes `id` out (the connection authenticated or closed). Idempotent; 0 is ignored.
  void leave(Id id) noexcept;

  std::size_t size() const;
  /// Connections evicted since the start.
  std::uint64_t evictions() const;

 private:
  const std::size_t max_;
  mutable std::mutex mutex_;
  Id next_ = 1;
  std::map<Id, std::weak_ptr<Session>> pool_;  // ordered by id: begin() is the oldest
  std::uint64_t evictions_ = 0;
};

}  // namespace agenthost::server
