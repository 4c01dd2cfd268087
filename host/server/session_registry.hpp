#pragma once
/// \file
/// SessionRegistry: every open connection of the server, so that stop() can close
/// them all and wait until they are gone. Holds weak references only. Thread-safe.

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <unordered_map>
#include <vector>

namespace agenthost::server {

/// What the registry can ask of a connection. Implemented by HttpSession and
/// WebSocketSession.
class Session {
 public:
  virtual ~Session() = default;
  /// Starts closing the connection (WebSocket: close 1001). Any thread; posts to the
  /// connection's strand.
  virtual void shut_down() = 0;
  /// Stops everything that could post to the connection's strand from other threads
  /// (event deliveries). Any thread; called once the I/O threads have stopped.
  virtual void detach() noexcept {}
  /// The authenticator's options were reloaded: a session that holds credentials
  /// checks them again and closes when they are no longer valid. Any thread; posts
  /// to the connection's strand.
  virtual void credentials_changed() {}

 protected:
  Session() = default;
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;
};

class SessionRegistry {
 public:
  using Id = std::uint64_t;

  Id add(std::weak_ptr<Session> session);
  /// Called by a session's destructor.
  void remove(Id id) noexcept;
  /// The sessions still alive.
  std::vector<std::shared_ptr<Session>> snapshot() const;
  std::size_t size() const;
  /// Waits until no session is registered; false when `timeout` passed first.
  bool wait_empty(std::chrono::milliseconds timeout) const;

 private:
  mutable std::mutex mutex_;
  mutable std::condition_variable empty_;
  Id next_ = 1;
  std::unordered_map<Id, std::weak_ptr<Session>> sessions_;
};

}  // namespace agenthost::server
