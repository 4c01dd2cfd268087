#pragma once
/// \file
/// FrameConnection: a WebSocket to the host as RunFollower sees it (send a frame, read
/// the next one, learn why it ended). An interface so that the follower's resuming
/// logic can be tested on scripted connections; open_event_socket() makes the real one.

#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include "agentctl/host_url.hpp"

namespace agenthost::agentctl {

/// What one read produced.
struct FrameRead {
  enum class Kind {
    frame,        ///< `text` is a text frame
    closed,       ///< the connection ended; `text` says how
    interrupted,  ///< SIGINT or SIGTERM arrived while waiting
  };
  Kind kind = Kind::closed;
  std::string text;
};

class FrameConnection {
 public:
  virtual ~FrameConnection() = default;
  /// Queues one text frame. A failure is not thrown: the next read() reports `closed`.
  virtual void send(const std::string& text) = 0;
  /// Blocks until the next frame, the end of the connection, or a signal.
  virtual FrameRead read() = 0;
  /// Closes with 1000, best effort, within a short deadline. Never throws.
  virtual void close() noexcept = 0;
};

/// How long a silent connection is kept: after half of it agentctl pings the host,
/// after all of it without any answer the connection counts as lost.
inline constexpr std::chrono::seconds kSocketIdleTimeout{40};

/// Opens GET /v1/ws (below the URL's prefix) with `token` as a bearer header.
/// Throws CommandError(unreachable) when the host cannot be reached, and
/// CommandError(failed) with describe_http_refusal() when the upgrade is refused.
std::unique_ptr<FrameConnection> open_event_socket(const HostUrl& url,
                                                   const std::optional<std::string>& token);

}  // namespace agenthost::agentctl
