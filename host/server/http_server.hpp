#pragma once
/// \file
/// HttpServer: the network front. One listening port serves the HTTP/1.1 JSON API
/// and WebSocket (GET /v1/ws); every request and upgrade is authenticated; each
/// connection lives on its own strand with a timeout, a size limit and a bounded
/// send queue. docs/protocol.md describes what clients see.
///
/// Lifecycle: construct (nothing runs) -> start() (binds, starts the threads) ->
/// set_ready(true) once the host can take runs -> set_ready(false) when draining ->
/// stop() (closes the listener, sends close 1001 to WebSocket clients, joins) ->
/// destroy. The dependencies must outlive the server. From start() to stop() the
/// server listens to the Authenticator's reloads: WebSockets whose credentials a
/// reload refuses are closed (4001).
///
/// This header stays free of Boost.Asio and Boost.Beast (pimpl).

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "server/server_options.hpp"

namespace agenthost::auth {
class Authenticator;
}
namespace agenthost::database {
class RunStore;
}
namespace agenthost::events {
class EventRouter;
class EventStore;
}  // namespace agenthost::events
namespace agenthost::execution {
class ExecutionEngine;
}
namespace agenthost::registry {
class AgentClassRegistry;
}

namespace agenthost::models {
class UsageLedger;
}

namespace agenthost::server {

/// What the server works with; all owned elsewhere (HostRuntime) and used from the
/// server's threads concurrently (each is thread-safe).
struct ServerDeps {
  execution::ExecutionEngine& engine;
  database::RunStore& runs;
  events::EventRouter& router;
  /// Flushed before stored events are read, so that whatever was delivered is found.
  events::EventStore& event_store;
  const registry::AgentClassRegistry& registry;
  auth::Authenticator& authenticator;
  /// The body of GET /metrics (Prometheus text format 0.0.4), called on a request
  /// thread per scrape; when empty, /metrics answers 404.
  std::function<std::string()> render_metrics;
  /// Model tokens and budgets (GET /v1/me/usage, a run's usage, 429 budget_exceeded);
  /// null: no model metering.
  models::UsageLedger* usage = nullptr;
};

/// What the server has counted since start, for monitoring.
struct ServerCounters {
  /// Live deliveries a connection's inbox could not hold (the client is behind);
  /// the events are stored and the connection reads them from the log instead.
  std::uint64_t events_dropped = 0;
  /// Connections dropped or closed because the client did not read.
  std::uint64_t slow_client_disconnects = 0;
  /// Requests and WebSocket upgrades refused authentication.
  std::uint64_t auth_failures = 0;
};

class HttpServer {
 public:
  /// Checks `options` (std::invalid_argument naming the bad one). Does not bind.
  HttpServer(ServerOptions options, ServerDeps deps);
  /// stop() if still running.
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  /// Binds address:port, starts the I/O threads and logs "listening on
  /// ADDRESS:PORT". Returns the bound port (the chosen one for port 0). Throws
  /// std::invalid_argument when the address is not an IP address, std::runtime_error
  /// naming address and port when it cannot be bound, std::logic_error when called
  /// twice.
  std::uint16_t start();

  /// /readyz answers 200 when true, 503 while false (the initial state: starting).
  /// Any thread.
  void set_ready(bool ready) noexcept;
  bool ready() const noexcept;

  /// Stops accepting, answers no further requests, closes every WebSocket with 1001
  /// (going away) and every HTTP connection, waits up to handshake_timeout for the
  /// close handshakes, then stops and joins all threads. Runs are not cancelled
  /// (that is the engine's shutdown). Idempotent; any thread but the server's own.
  void stop();

  /// Open connections (HTTP and WebSocket), for tests and monitoring.
  std::size_t connection_count() const;
  ServerCounters counters() const;

  /// True when the I/O threads ran a posted no-op within `timeout`: what the
  /// systemd watchdog ping stands for (a hung event loop stops the pings and
  /// systemd restarts the host). False before start() and after stop().
  bool responsive(std::chrono::milliseconds timeout);

  /// New per-user limits (a reload), for the next run started, the next upgrade and
  /// the next HTTP connection: runs per second (0 = no limit) and open WebSocket and
  /// HTTP connections (each counted apart). Connections over a lowered cap stay open.
  /// Any thread.
  void update_limits(double runs_per_second_per_user, std::uint32_t max_connections_per_user);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace agenthost::server
