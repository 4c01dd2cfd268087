#pragma once
/// \file
/// ApiHandler: the HTTP API as a function from a request (method, target,
/// Authorization, body) to a response (status, JSON body, extra headers). No
/// sockets: HttpSession reads and writes, this decides. Blocking (database): runs on
/// the server's request threads. Thread-safe; never throws.

#include <atomic>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "server/api_error.hpp"
#include "server/http_router.hpp"
#include "server/http_server.hpp"
#include "server/run_service.hpp"
#include "server/server_counters.hpp"

namespace agenthost::server {

struct ApiRequest {
  std::string method;
  std::string target;
  std::string authorization;  ///< the Authorization header; empty when absent
  std::string body;
  std::string remote;  ///< "address:port" of the client, for logs
  /// Who sent it, as ApiHandler::admit found from the headers; empty for the
  /// endpoints that need no credentials.
  std::string user_id;
};

struct ApiResponse {
  unsigned status = 200;
  std::string body;  ///< JSON, unless content_type says otherwise
  std::string content_type = "application/json";
  /// Extra headers: Allow, Retry-After, WWW-Authenticate, Location.
  std::vector<std::pair<std::string, std::string>> headers;
};

/// What the head of a request (method, target, Authorization) decides before its
/// body is read: a refusal to send at once (401, 404, 405, 400), or the user it is
/// authenticated as (empty for /healthz, /readyz and /metrics).
struct RequestAdmission {
  std::optional<ApiResponse> refusal;
  std::string user_id;
};

/// The response for `error`: its status, the JSON error body and Retry-After.
ApiResponse error_response(const ApiError& error);

/// 401 with WWW-Authenticate: Bearer and a JSON error.
ApiResponse unauthorized_response(std::string_view message);

/// Maximum events returned by one GET /v1/runs/{id}/events (and its default).
inline constexpr std::size_t kMaxEventsPerPage = 1000;
/// Maximum runs returned by one GET /v1/threads/{id}/runs (and its default): each
/// carries an input of up to max_message_bytes and a result.
inline constexpr std::size_t kMaxRunsPerPage = 100;

class ApiHandler {
 public:
  /// `ready` is the flag HttpServer::set_ready sets; all must outlive the handler.
  ApiHandler(const ServerDeps& deps, RunService& service, const std::atomic<bool>& ready,
             LiveCounters& counters)
      : deps_(deps), service_(service), ready_(ready), counters_(counters) {}

  /// Routes and authenticates a request from its head alone (`request.body` is not
  /// looked at): HttpSession calls it before it reads a body or sends 100 Continue,
  /// so that nothing a client sends is read until it is known. Cheap (no database):
  /// callable on an I/O thread.
  RequestAdmission admit(const ApiRequest& request) const;

  /// Answers an admitted request (`request.user_id` from admit()). Blocking.
  ApiResponse handle(const ApiRequest& request) const;

 private:
  ApiResponse dispatch(const RouteResult& route, const std::string& user_id,
                       const ApiRequest& request) const;
  ApiResponse readiness() const;
  ApiResponse metrics() const;
  ApiResponse my_stats(const std::string& user_id) const;
  ApiResponse list_agents() const;
  ApiResponse create_thread(const std::string& user_id, const std::string& body) const;
  ApiResponse list_thread_runs(const std::string& user_id, const std::string& thread_id,
                               const RequestTarget& target) const;
  ApiResponse create_run(const std::string& user_id, const std::string& body) const;
  ApiResponse get_run(const std::string& user_id, const std::string& run_id) const;
  ApiResponse cancel_run(const std::string& user_id, const std::string& run_id) const;
  ApiResponse answer_run(const std::string& user_id, const std::string& run_id,
                         const std::string& body) const;
  ApiResponse run_events(const std::string& user_id, const std::string& run_id,
                         const RequestTarget& target) const;

  const ServerDeps& deps_;
  RunService& service_;
  const std::atomic<bool>& ready_;
  LiveCounters& counters_;
};

}  // namespace agenthost::server
