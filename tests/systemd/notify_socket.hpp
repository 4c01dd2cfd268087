#pragma once
/// \file
/// A stand-in for systemd's notification socket: a unix datagram socket bound in a
/// fresh temp dir, with NOTIFY_SOCKET pointing at it for the object's life.

#include <chrono>
#include <optional>
#include <string>

#include <sys/types.h>

namespace agenthost::testing {

struct Notification {
  std::string text;  ///< the datagram as sent
  pid_t sender_pid;  ///< from the kernel (SCM_CREDENTIALS), as systemd checks it
};

class NotifySocket {
 public:
  /// Binds the socket and sets NOTIFY_SOCKET. Throws std::system_error.
  NotifySocket();
  /// Unsets NOTIFY_SOCKET, closes and removes the socket and its dir.
  ~NotifySocket();
  NotifySocket(const NotifySocket&) = delete;
  NotifySocket& operator=(const NotifySocket&) = delete;

  const std::string& path() const noexcept { return path_; }
  /// The next datagram, or nullopt when none arrives within `timeout`.
  std::optional<Notification> receive(std::chrono::milliseconds timeout);

 private:
  std::string dir_;
  std::string path_;
  int fd_ = -1;
};

}  // namespace agenthost::testing
