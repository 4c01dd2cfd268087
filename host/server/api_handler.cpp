#include "server/api_handler.hpp"

#include <spdlog/spdlog.h>
#include <boost/json/serialize.hpp>

#include <charconv>

#include "agenthost/id_rules.hpp"
#include "auth/authenticator.hpp"
#include "execution/execution_engine.hpp"
#include "json/parse.hpp"
#include "metrics/text_format.hpp"
#include "registry/agent_class_registry.hpp"
#include "server/api_json.hpp"
#include "server/run_fields.hpp"

namespace agenthost::server {

namespace {

ApiResponse json_response(unsigned status, const boost::json::value& body) {
  return ApiResponse{status, boost::json::serialize(body), "application/json", {}};
}

// A non-negative decimal integer query parameter; `fallback` when absent.
std::variant<std::uint64_t, ApiError> count_parameter(const RequestTarget& target,
                                                      std::string_view name,
                                                      std::uint64_t fallback) {
  const auto* text = target.query_value(name);
  if (!text) return fallback;
  std::uint64_t value = 0;
  const char* end = text->data() + text->size();
  auto [ptr, ec] = std::from_chars(text->data(), end, value);
  if (text->empty() || ec != std::errc() || ptr != end)
    return make_error(
        400, error_code::invalid_field,
        "query parameter \"" + std::string(name) + "\" must be a non-negative integer");
  return value;
}

// The "limit" query parameter of a paged listing: 1 .. `max`, `max` when absent.
std::variant<std::size_t, ApiError> page_limit(const RequestTarget& target, std::size_t max) {
  const auto limit = count_parameter(target, "limit", max);
  if (auto* error = std::get_if<ApiError>(&limit)) return *error;
  const auto wanted = std::get<std::uint64_t>(limit);
  if (wanted == 0 || wanted > max)
    return make_error(400, error_code::invalid_field,
                      "query parameter \"limit\" must be between 1 and " + std::to_string(max));
  return static_cast<std::size_t>(wanted);
}

// 400 for a path id that no resource can have (empty, placeholder, bad characters).
std::optional<ApiError> path_id_problem(std::string_view what, const std::string& id) {
  if (auto problem = agenthost::id_problem(id); !problem.empty())
    return make_error(400, error_code::invalid_field,
                      std::string(what) + " id in the path " + problem);
  return std::nullopt;
}

}  // namespace

ApiResponse error_response(const ApiError& error) {
  ApiResponse response{error.status, error_body(error.code, error.message), "application/json", {}};
  if (error.retry_after)
    response.headers.emplace_back("Retry-After", std::to_string(error.retry_after->count()));
  return response;
}

ApiResponse unauthorized_response(std::string_view message) {
  ApiResponse response{401, error_body(error_code::unauthorized, message), "application/json", {}};
  response.headers.emplace_back("WWW-Authenticate", "Bearer realm=\"agenthost\"");
  return response;
}

namespace {

std::optional<ApiResponse> routing_refusal(const RouteResult& route, const std::string& method) {
  switch (route.outcome) {
    case RouteResult::Outcome::bad_target:
      return error_response(make_error(400, error_code::bad_request, "malformed request target"));
    case RouteResult::Outcome::not_found:
      return error_response(make_error(404, error_code::not_found, "no such endpoint"));
    case RouteResult::Outcome::method_not_allowed: {
      auto response = error_response(
          make_error(405, error_code::method_not_allowed,
                     "method " + method.substr(0, 16) + " not allowed here; use " + route.allow));
      response.headers.emplace_back("Allow", route.allow);
      return response;
    }
    case RouteResult::Outcome::matched:
      break;
  }
  return std::nullopt;
}

}  // namespace

RequestAdmission ApiHandler::admit(const ApiRequest& request) const {
  const auto route = server::route(request.method, request.target);
  if (auto refusal = routing_refusal(route, request.method)) return {std::move(refusal), {}};
  if (!requires_authentication(route.endpoint)) return {};
  const auto auth = deps_.authenticator.authenticate_header(request.authorization);
  if (!auth.ok()) {
    counters_.auth_failures.fetch_add(1, std::memory_order_relaxed);
    spdlog::info("{} {}: authentication refused: {}", request.remote, describe(route.endpoint),
                 auth.reason);
    return {unauthorized_response(auth::client_message(auth.failure)), {}};
  }
  return {std::nullopt, auth.user_id};
}

ApiResponse ApiHandler::handle(const ApiRequest& request) const {
  try {
    const auto route = server::route(request.method, request.target);
    if (auto refusal = routing_refusal(route, request.method)) return *refusal;
    if (route.endpoint == Endpoint::healthz) return json_response(200, {{"status", "ok"}});
    if (route.endpoint == Endpoint::readyz) {
      if (ready_.load()) return readiness();
      auto error = make_error(503, error_code::not_ready, "the host is starting or draining");
      error.retry_after = std::chrono::seconds(1);
      return error_response(error);
    }
    if (route.endpoint == Endpoint::metrics) return metrics();
    // admit() authenticated it; an unadmitted request never gets here.
    if (request.user_id.empty())
      return unauthorized_response(auth::client_message(auth::AuthFailure::missing));
    return dispatch(route, request.user_id, request);
  } catch (const std::exception& e) {
    // Everything below reports its own errors; this is a bug, not a client error.
    spdlog::error("{} {}: unexpected error: {}", request.remote, request.method, e.what());
    return error_response(
        make_error(500, error_code::internal, "internal error; the host logged the details"));
  }
}

ApiResponse ApiHandler::dispatch(const RouteResult& route, const std::string& user_id,
                                 const ApiRequest& request) const {
  switch (route.endpoint) {
    case Endpoint::my_stats:
      return my_stats(user_id);
    case Endpoint::my_usage: {
      auto usage = service_.user_usage(user_id);
      if (auto* error = std::get_if<ApiError>(&usage)) return error_response(*error);
      return json_response(200, std::get<boost::json::object>(usage));
    }
    case Endpoint::list_agents:
      return list_agents();
    case Endpoint::create_thread:
      return create_thread(user_id, request.body);
    case Endpoint::list_thread_runs:
      return list_thread_runs(user_id, route.id, route.target);
    case Endpoint::create_run:
      return create_run(user_id, request.body);
    case Endpoint::get_run:
      return get_run(user_id, route.id);
    case Endpoint::cancel_run:
      return cancel_run(user_id, route.id);
    case Endpoint::answer_run:
      return answer_run(user_id, route.id, request.body);
    case Endpoint::run_events:
      return run_events(user_id, route.id, route.target);
    case Endpoint::websocket:
      return error_response(make_error(426, error_code::upgrade_required,
                                       "GET /v1/ws needs a WebSocket upgrade request"));
    case Endpoint::healthz:
    case Endpoint::readyz:
    case Endpoint::metrics:
      break;
  }
  return error_response(make_error(404, error_code::not_found, "no such endpoint"));
}

ApiResponse ApiHandler::readiness() const {
  // Still 200: the host takes runs and answers; a balancer keeps it, an operator sees
  // why it is degraded (the database refuses run status writes).
  if (const auto unrecorded = deps_.engine.unrecorded_statuses(); unrecorded > 0)
    return json_response(
        200, {{"status", "degraded"},
              {"unrecorded_run_statuses", unrecorded},
              {"message", "the database refused the final status of " + std::to_string(unrecorded) +
                              " ended run(s); they are written again once status writes "
                              "succeed (see agenthost_runs_status_unrecorded)"}});
  return json_response(200, {{"status", "ready"}});
}

ApiResponse ApiHandler::metrics() const {
  if (!deps_.render_metrics)
    return error_response(make_error(404, error_code::not_found, "no such endpoint"));
  // Text format 0.0.4, what every Prometheus-compatible scraper reads.
  return ApiResponse{200, deps_.render_metrics(), std::string(metrics::kTextContentType), {}};
}

ApiResponse ApiHandler::my_stats(const std::string& user_id) const {
  auto stats = service_.user_stats(user_id);
  if (auto* error = std::get_if<ApiError>(&stats)) return error_response(*error);
  return json_response(200, std::get<boost::json::object>(stats));
}

ApiResponse ApiHandler::list_agents() const {
  boost::json::array agents;
  for (const auto* agent : deps_.registry.agents()) agents.push_back(agent_json(*agent));
  return json_response(200, {{"agents", std::move(agents)}});
}

ApiResponse ApiHandler::create_thread(const std::string& user_id, const std::string& body) const {
  // No fields yet: an empty body or an empty object.
  if (body.find_first_not_of(" \t\r\n") != std::string::npos) {
    auto parsed = parse_json_object(body, "request body");
    if (auto* error = std::get_if<ApiError>(&parsed)) return error_response(*error);
    const auto& object = std::get<boost::json::object>(parsed);
    if (!object.empty())
      return error_response(make_error(400, error_code::unknown_field,
                                       "request body: unknown field \"" +
                                           std::string(object.begin()->key().substr(0, 64)) +
                                           "\" (POST /v1/threads takes no fields)"));
  }
  auto result = service_.create_thread(user_id);
  if (auto* error = std::get_if<ApiError>(&result)) return error_response(*error);
  return json_response(201, {{"thread_id", std::get<std::string>(result)}});
}

ApiResponse ApiHandler::list_thread_runs(const std::string& user_id, const std::string& thread_id,
                                         const RequestTarget& target) const {
  if (auto error = path_id_problem("thread", thread_id)) return error_response(*error);
  const auto limit = page_limit(target, kMaxRunsPerPage);
  if (auto* error = std::get_if<ApiError>(&limit)) return error_response(*error);
  const auto wanted = std::get<std::size_t>(limit);
  std::string after;
  if (const auto* text = target.query_value("after")) {
    if (auto problem = agenthost::id_problem(*text); !problem.empty())
      return error_response(
          make_error(400, error_code::invalid_field, "query parameter \"after\" " + problem));
    after = *text;
  }
  // One more than asked tells whether there is more.
  auto result = service_.runs_of_thread(user_id, thread_id, wanted + 1, after);
  if (auto* error = std::get_if<ApiError>(&result)) return error_response(*error);
  auto& records = std::get<std::vector<database::RunRecord>>(result);
  const bool has_more = records.size() > wanted;
  if (has_more) records.resize(wanted);
  boost::json::array runs;
  for (const auto& run : records) runs.push_back(run_json(run));
  boost::json::object body{
      {"thread_id", thread_id}, {"runs", std::move(runs)}, {"has_more", has_more}};
  // The cursor of the next page: the last run of this one.
  if (!records.empty()) body["last_run_id"] = records.back().run_id;
  return json_response(200, body);
}

ApiResponse ApiHandler::create_run(const std::string& user_id, const std::string& body) const {
  auto parsed = parse_run_body(body);
  if (auto* error = std::get_if<ApiError>(&parsed)) return error_response(*error);
  auto result = service_.start_run(user_id, std::move(std::get<RunFields>(parsed)), nullptr);
  if (auto* error = std::get_if<ApiError>(&result)) return error_response(*error);
  const auto& ticket = std::get<execution::RunTicket>(result);
  auto response = json_response(
      202, {{"run_id", ticket.run_id}, {"thread_id", ticket.thread_id}, {"status", "queued"}});
  response.headers.emplace_back("Location", "/v1/runs/" + ticket.run_id);
  return response;
}

ApiResponse ApiHandler::get_run(const std::string& user_id, const std::string& run_id) const {
  if (auto error = path_id_problem("run", run_id)) return error_response(*error);
  auto result = service_.find_run(user_id, run_id);
  if (auto* error = std::get_if<ApiError>(&result)) return error_response(*error);
  auto run = run_json(std::get<database::RunRecord>(result));
  if (auto usage = service_.run_usage(run_id)) run["usage"] = std::move(*usage);
  return json_response(200, run);
}

ApiResponse ApiHandler::cancel_run(const std::string& user_id, const std::string& run_id) const {
  if (auto error = path_id_problem("run", run_id)) return error_response(*error);
  if (auto error = service_.cancel_run(user_id, run_id)) return error_response(*error);
  return json_response(202, {{"run_id", run_id}, {"cancel_requested", true}});
}

ApiResponse ApiHandler::answer_run(const std::string& user_id, const std::string& run_id,
                                   const std::string& body) const {
  if (auto error = path_id_problem("run", run_id)) return error_response(*error);
  auto parsed = json::parse(body, {.max_depth = json::kMaxClientDepth});
  if (auto* error = std::get_if<json::ParseError>(&parsed))
    return error_response(make_error(400, error_code::invalid_json,
                                     "request body (the answer): " + error->describe()));
  if (auto error =
          service_.answer_run(user_id, run_id, std::move(std::get<boost::json::value>(parsed))))
    return error_response(*error);
  return json_response(202, {{"run_id", run_id}, {"input_accepted", true}});
}

ApiResponse ApiHandler::run_events(const std::string& user_id, const std::string& run_id,
                                   const RequestTarget& target) const {
  if (auto error = path_id_problem("run", run_id)) return error_response(*error);
  const auto after = count_parameter(target, "after", 0);
  if (auto* error = std::get_if<ApiError>(&after)) return error_response(*error);
  const auto limit = page_limit(target, kMaxEventsPerPage);
  if (auto* error = std::get_if<ApiError>(&limit)) return error_response(*error);
  const auto wanted = std::get<std::size_t>(limit);
  // Ownership first: the store answers "no events" for another user's run, which
  // must look exactly like an absent run (404), not like an empty one.
  auto run = service_.find_run(user_id, run_id);
  if (auto* error = std::get_if<ApiError>(&run)) return error_response(*error);
  // One more than asked tells whether there is more.
  auto result = service_.stored_events(user_id, run_id, std::get<std::uint64_t>(after),
                                       static_cast<std::size_t>(wanted) + 1);
  if (auto* error = std::get_if<ApiError>(&result)) return error_response(*error);
  auto& events = std::get<std::vector<events::EventPtr>>(result);
  const bool has_more = events.size() > wanted;
  if (has_more) events.resize(wanted);
  boost::json::array out;
  for (const auto& event : events) out.push_back(events::to_envelope(*event));
  const std::uint64_t last_seq =
      events.empty() ? std::get<std::uint64_t>(after) : events.back()->seq;
  return json_response(200, {{"run_id", run_id},
                             {"events", std::move(out)},
                             {"last_seq", last_seq},
                             {"has_more", has_more}});
}

}  // namespace agenthost::server
