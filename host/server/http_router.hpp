#pragma once
/// \file
/// The HTTP API's routing table: (method, target) -> endpoint and path id, or why
/// not (404 unknown path, 405 with the methods the path allows, 400 malformed
/// target). Pure: no sockets, no state, any thread, fuzzable.

#include <string>
#include <string_view>

#include "server/request_target.hpp"

namespace agenthost::server {

enum class Endpoint {
  healthz,           ///< GET /healthz
  readyz,            ///< GET /readyz
  metrics,           ///< GET /metrics (Prometheus text format)
  my_stats,          ///< GET /v1/me/stats
  my_usage,          ///< GET /v1/me/usage
  list_agents,       ///< GET /v1/agents
  create_thread,     ///< POST /v1/threads
  list_thread_runs,  ///< GET /v1/threads/{id}/runs
  create_run,        ///< POST /v1/runs
  get_run,           ///< GET /v1/runs/{id}
  cancel_run,        ///< POST /v1/runs/{id}/cancel
  answer_run,        ///< POST /v1/runs/{id}/input
  run_events,        ///< GET /v1/runs/{id}/events
  websocket,         ///< GET /v1/ws (upgrade)
};

/// "GET /v1/runs/{id}" and so on, for logs.
std::string_view describe(Endpoint endpoint) noexcept;

/// False only for /healthz, /readyz and /metrics, which answer without credentials
/// (none of them says anything about a user).
bool requires_authentication(Endpoint endpoint) noexcept;

struct RouteResult {
  enum class Outcome { matched, bad_target, not_found, method_not_allowed };
  Outcome outcome = Outcome::not_found;
  Endpoint endpoint = Endpoint::healthz;  ///< when matched
  std::string id;                         ///< the {id} of the path, decoded; else empty
  RequestTarget target;                   ///< parsed target (query parameters)
  std::string allow;  ///< method_not_allowed: the Allow header ("GET" or "POST")

  bool matched() const noexcept { return outcome == Outcome::matched; }
};

/// Routes `method` (case-sensitive, as HTTP requires) and `target`.
RouteResult route(std::string_view method, std::string_view target);

}  // namespace agenthost::server
