#include "server/http_router.hpp"

#include <array>
#include <optional>
#include <vector>

namespace agenthost::server {

namespace {

// One path pattern; "{}" matches any single segment (the id).
struct Route {
  std::string_view method;
  std::array<std::string_view, 4> pattern;
  std::size_t length;
  Endpoint endpoint;
};

constexpr std::array<Route, 14> kRoutes = {{
    {"GET", {"healthz"}, 1, Endpoint::healthz},
    {"GET", {"readyz"}, 1, Endpoint::readyz},
    {"GET", {"metrics"}, 1, Endpoint::metrics},
    {"GET", {"v1", "me", "stats"}, 3, Endpoint::my_stats},
    {"GET", {"v1", "me", "usage"}, 3, Endpoint::my_usage},
    {"GET", {"v1", "agents"}, 2, Endpoint::list_agents},
    {"POST", {"v1", "threads"}, 2, Endpoint::create_thread},
    {"GET", {"v1", "threads", "{}", "runs"}, 4, Endpoint::list_thread_runs},
    {"POST", {"v1", "runs"}, 2, Endpoint::create_run},
    {"GET", {"v1", "runs", "{}"}, 3, Endpoint::get_run},
    {"POST", {"v1", "runs", "{}", "cancel"}, 4, Endpoint::cancel_run},
    {"POST", {"v1", "runs", "{}", "input"}, 4, Endpoint::answer_run},
    {"GET", {"v1", "runs", "{}", "events"}, 4, Endpoint::run_events},
    {"GET", {"v1", "ws"}, 2, Endpoint::websocket},
}};

// The id when `segments` fit `route`'s pattern; nullopt otherwise.
std::optional<std::string> match(const Route& route, const std::vector<std::string>& segments) {
  if (segments.size() != route.length) return std::nullopt;
  std::string id;
  for (std::size_t i = 0; i < route.length; ++i) {
    if (route.pattern[i] == "{}") {
      if (segments[i].empty()) return std::nullopt;
      id = segments[i];
    } else if (segments[i] != route.pattern[i]) {
      return std::nullopt;
    }
  }
  return id;
}

}  // namespace

std::string_view describe(Endpoint endpoint) noexcept {
  switch (endpoint) {
    case Endpoint::healthz:
      return "GET /healthz";
    case Endpoint::readyz:
      return "GET /readyz";
    case Endpoint::metrics:
      return "GET /metrics";
    case Endpoint::my_stats:
      return "GET /v1/me/stats";
    case Endpoint::my_usage:
      return "GET /v1/me/usage";
    case Endpoint::list_agents:
      return "GET /v1/agents";
    case Endpoint::create_thread:
      return "POST /v1/threads";
    case Endpoint::list_thread_runs:
      return "GET /v1/threads/{id}/runs";
    case Endpoint::create_run:
      return "POST /v1/runs";
    case Endpoint::get_run:
      return "GET /v1/runs/{id}";
    case Endpoint::cancel_run:
      return "POST /v1/runs/{id}/cancel";
    case Endpoint::run_events:
      return "GET /v1/runs/{id}/events";
    case Endpoint::answer_run:
      return "POST /v1/runs/{id}/input";
    case Endpoint::websocket:
      return "GET /v1/ws";
  }
  return "?";
}

bool requires_authentication(Endpoint endpoint) noexcept {
  return endpoint != Endpoint::healthz && endpoint != Endpoint::readyz &&
         endpoint != Endpoint::metrics;
}

RouteResult route(std::string_view method, std::string_view target) {
  RouteResult result;
  auto parsed = parse_request_target(target);
  if (!parsed) {
    result.outcome = RouteResult::Outcome::bad_target;
    return result;
  }
  result.target = std::move(*parsed);
  std::string allow;
  for (const auto& r : kRoutes) {
    auto id = match(r, result.target.segments);
    if (!id) continue;
    if (r.method == method) {
      result.outcome = RouteResult::Outcome::matched;
      result.endpoint = r.endpoint;
      result.id = std::move(*id);
      return result;
    }
    if (!allow.empty()) allow += ", ";
    allow += r.method;
  }
  if (!allow.empty()) {
    result.outcome = RouteResult::Outcome::method_not_allowed;
    result.allow = std::move(allow);
  }
  return result;
}

}  // namespace agenthost::server
