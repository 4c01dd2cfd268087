#pragma once
/// \file
/// ServerState: what every connection of one HttpServer shares: options, the
/// I/O context and the request thread pool, the API handler, the per-user limits,
/// the ready/stopping flags and the registry of open sessions. Internal to the
/// server component (includes Boost.Asio). Owned by HttpServer::Impl; it outlives
/// every session (stop() waits for them).

#include <boost/asio/io_context.hpp>
#include <boost/asio/thread_pool.hpp>

#include <atomic>

#include "server/api_handler.hpp"
#include "server/http_server.hpp"
#include "server/run_service.hpp"
#include "server/server_counters.hpp"
#include "server/session_registry.hpp"
#include "server/unauthenticated_connections.hpp"
#include "server/user_limits.hpp"

namespace agenthost::server {

struct ServerState {
  ServerState(ServerOptions o, ServerDeps d)
      : options(std::move(o)),
        deps(d),
        limiter(options.runs_per_second_per_user),
        connections(options.max_connections_per_user),
        http_connections(options.max_connections_per_user),
        unauthenticated(options.max_unauthenticated_connections),
        service(deps, limiter),
        api(deps, service, ready, counters),
        request_pool(options.request_threads),
        io(static_cast<int>(options.io_threads)) {}

  const ServerOptions options;
  const ServerDeps deps;
  RunRateLimiter limiter;
  ConnectionCounter connections;       ///< WebSocket connections per user
  ConnectionCounter http_connections;  ///< HTTP connections per user (their last request's)
  UnauthenticatedConnections unauthenticated;
  SessionRegistry sessions;
  std::atomic<bool> ready{false};
  std::atomic<bool> stopping{false};
  LiveCounters counters;
  RunService service;
  ApiHandler api;
  /// Blocking work (database); joined by stop() before the I/O threads stop.
  boost::asio::thread_pool request_pool;
  /// Last: destroyed first, so the sessions its pending handlers still own can
  /// unregister from everything above.
  boost::asio::io_context io;
};

}  // namespace agenthost::server
