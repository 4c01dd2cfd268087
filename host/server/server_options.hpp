#pragma once
/// \file
/// ServerOptions: the network front's settings (the `server` section of the
/// configuration), with the defaults in the struct.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>

namespace agenthost::server {

/// What happens to the runs a WebSocket connection started when it closes.
enum class OnDisconnect {
  continue_runs,  ///< (default) they go on; the client can resume with subscribe{after}
  cancel_runs,    ///< unfinished ones are cancelled
};

struct ServerOptions {
  /// Address to listen on ("127.0.0.1", "0.0.0.0", "::").
  std::string address = "127.0.0.1";
  /// TCP port; 0 picks a free one (HttpServer::start returns it).
  std::uint16_t port = 8080;
  /// Largest HTTP request body and WebSocket message accepted: a bigger body gets
  /// 413, a bigger frame closes the connection with 1009.
  std::size_t max_message_bytes = 1024 * 1024;
  /// A connection that receives nothing for this long is closed. For WebSocket the
  /// host pings after half of it, so only peers that stop answering are dropped.
  std::chrono::milliseconds idle_timeout{std::chrono::seconds(60)};
  /// Time for a request's headers to arrive, for a WebSocket handshake, and for a
  /// close handshake.
  std::chrono::milliseconds handshake_timeout{std::chrono::seconds(10)};
  /// A single write to a client that does not complete in this time (the client
  /// stopped reading) drops the connection.
  std::chrono::milliseconds write_timeout{std::chrono::seconds(10)};
  /// Threads running the sockets (io_context::run).
  std::uint32_t io_threads = 2;
  /// Threads for the blocking work of requests (database reads and writes), so that
  /// no I/O thread ever waits for the database.
  // Mostly waiting: a submission waits here for its record's group commit, so more
  // threads in flight make bigger batches (16 against 4: 3,117 against 2,624 runs/s,
  // p99 at 1,380 runs/s 70 against 184 ms, bench/run_load.sh's closed-100 and open loop).
  std::uint32_t request_threads = 16;
  /// Events waiting in one WebSocket connection's inbox; beyond it live delivery to
  /// the connection pauses and it pages the events from the stored log as the client
  /// reads. Also the answers a client may leave unread before it is closed with 1013.
  std::size_t send_queue_frames = 1024;
  /// Bytes of frames waiting for one WebSocket connection (events and answers);
  /// beyond it live delivery pauses as for send_queue_frames, and a client that
  /// leaves this many bytes of answers unread is closed with 1013.
  std::size_t send_queue_bytes = 16 * 1024 * 1024;
  /// Open WebSocket connections of one user, and separately its open HTTP
  /// connections (keep-alive); one more gets 429.
  std::uint32_t max_connections_per_user = 16;
  /// Connections that have not sent an authenticated request yet, for the whole
  /// server; one more evicts the oldest of them (UnauthenticatedConnections).
  std::size_t max_unauthenticated_connections = 512;
  /// Runs started per second by one user (token bucket, burst of one second's worth);
  /// 0 turns the limit off. Over it: 429 or error frame "rate_limited".
  double runs_per_second_per_user = 10;
  /// Runs one WebSocket connection streams at once through subscribe.
  std::size_t max_subscriptions_per_connection = 1000;
  /// SO_SNDBUF of accepted sockets; 0 keeps the system's (auto-tuned) default. A
  /// small value makes slow clients show up sooner in the send queue.
  int socket_send_buffer_bytes = 0;
  OnDisconnect on_disconnect = OnDisconnect::continue_runs;
};

/// Throws std::invalid_argument naming the first option out of range.
void check_options(const ServerOptions& options);

}  // namespace agenthost::server
