#pragma once
// LoadConnection: one user's authenticated WebSocket connection to the host (or to the
// bare server), which starts runs of the no-op agent and checks every frame it gets
// back (RunStreamChecker). Beast stays in load_connection.cpp.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "run_stream_checker.hpp"

namespace boost::asio {
class io_context;
}

namespace agenthost::bench::load {

class LoadConnection;

/// Told what happens on a connection; called on the connection's io_context thread.
class ConnectionObserver {
 public:
  virtual ~ConnectionObserver() = default;
  /// The WebSocket handshake succeeded (the host accepted the credentials).
  virtual void connected(LoadConnection& connection) = 0;
  /// A checked frame of `bytes` bytes arrived at `now`.
  virtual void received(LoadConnection& connection, const FrameOutcome& outcome, std::size_t bytes,
                        Clock::time_point now) = 0;
  /// The connection is over: refused, dropped, or closed because a frame broke the
  /// protocol (`violation`). Its runs in flight are lost.
  virtual void failed(LoadConnection& connection, const std::string& why, bool violation) = 0;
};

struct ServerAddress {
  std::string host = "127.0.0.1";
  std::uint16_t port = 0;
};

class LoadConnection {
 public:
  /// `token` goes into the upgrade's Authorization header; each start_run asks the
  /// agent for `agent_events` events, after waiting `wait_ms` (0: no wait asked).
  static std::shared_ptr<LoadConnection> create(boost::asio::io_context& io,
                                                const ServerAddress& server, std::string user,
                                                std::string token, int agent_events, int wait_ms,
                                                ConnectionObserver& observer);
  virtual ~LoadConnection() = default;

  /// Connects (TCP_NODELAY) and upgrades; then observer.connected() or failed().
  virtual void connect() = 0;
  /// Sends a start_run frame; its latency counts from `started`.
  virtual void start_run(Clock::time_point started) = 0;
  /// Runs started and not ended or refused yet.
  virtual std::size_t in_flight() const = 0;
  /// Closes the WebSocket (close handshake), dropping the socket if that stalls.
  virtual void close() = 0;
  virtual const std::string& user() const = 0;
};

}  // namespace agenthost::bench::load
