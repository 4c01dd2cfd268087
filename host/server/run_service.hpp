#pragma once
/// \file
/// RunService: the operations behind both the HTTP API and the WebSocket frames
/// (start, cancel, look up, read stored events), with the per-user rate limit and
/// the mapping of every refusal to an ApiError. Blocking (database): called on the
/// server's request threads, never on an I/O thread (but for start_run_async when
/// starts_without_blocking). Thread-safe. Never throws:
/// database failures become 503 storage_unavailable, anything else 500 internal
/// (logged with the details, which the client does not get).

#include <boost/json/object.hpp>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "database/run_record.hpp"
#include "events/event.hpp"
#include "events/event_sink.hpp"
#include "execution/engine_types.hpp"
#include "server/api_error.hpp"
#include "server/http_server.hpp"
#include "server/run_fields.hpp"
#include "server/user_limits.hpp"

namespace agenthost::server {

class RunService {
 public:
  RunService(const ServerDeps& deps, RunRateLimiter& limiter) : deps_(deps), limiter_(limiter) {}

  /// Takes a token from the user's rate limit, then submits the run. `subscriber`
  /// (may be null) receives every event of the run. Refusals: 429 rate_limited or
  /// queue_full (with retry_after), 404 unknown_agent or not_found (another user's
  /// thread), 409 thread_busy, 400 invalid_field, 503 shutting_down.
  using StartResult = std::variant<execution::RunTicket, ApiError>;
  StartResult start_run(const std::string& user_id, RunFields fields,
                        std::shared_ptr<events::EventSink> subscriber);

  /// start_run without waiting for the run's record to be stored: `done` gets what
  /// start_run would return, exactly once, on the caller's thread (a refusal) or on
  /// one of the engine's (ExecutionEngine::submit_async), so it must only hand the
  /// result on. Blocks as start_run does unless starts_without_blocking(agent).
  void start_run_async(const std::string& user_id, RunFields fields,
                       std::shared_ptr<events::EventSink> subscriber,
                       std::function<void(StartResult)> done);
  /// True when start_run_async of a run of `agent` never blocks: the engine queues
  /// records in the event log's writer (SQLite) and the agent has no model budget to
  /// read first.
  bool starts_without_blocking(const std::string& agent) const;

  /// Cancels the user's run (idempotent); 404 not_found when the user has no such run.
  std::optional<ApiError> cancel_run(const std::string& user_id, const std::string& run_id);

  /// Delivers the user's answer to the run waiting in ask(): 404 not_found (no such
  /// run of this user), 409 not_waiting (the run asks nothing now, or is over), 400
  /// invalid_field naming the field of the answer that does not fit the question's
  /// schema (the run keeps waiting).
  std::optional<ApiError> answer_run(const std::string& user_id, const std::string& run_id,
                                     boost::json::value input);

  /// The user's run; 404 not_found when absent or another user's.
  std::variant<database::RunRecord, ApiError> find_run(const std::string& user_id,
                                                       const std::string& run_id);

  /// Creates a thread with a fresh random id for the user.
  std::variant<std::string, ApiError> create_thread(const std::string& user_id);

  /// Up to `limit` runs of the user's thread, oldest first, from the one after run
  /// `after_run_id` when not empty; 404 when the thread is absent or another user's.
  std::variant<std::vector<database::RunRecord>, ApiError> runs_of_thread(
      const std::string& user_id, const std::string& thread_id, std::size_t limit,
      const std::string& after_run_id);

  /// Flushes the event store, then reads up to `limit` stored events of the run with
  /// seq > after. Does not check ownership (the store returns nothing for another
  /// user's run): callers check with find_run first.
  std::variant<std::vector<events::EventPtr>, ApiError> stored_events(const std::string& user_id,
                                                                      const std::string& run_id,
                                                                      std::uint64_t after,
                                                                      std::size_t limit);

  /// The user's own figures (GET /v1/me/stats, see user_stats_json).
  std::variant<boost::json::object, ApiError> user_stats(const std::string& user_id);

  /// The user's model tokens (GET /v1/me/usage, UsageLedger::user_usage); 404 when
  /// the host meters none.
  std::variant<boost::json::object, ApiError> user_usage(const std::string& user_id);
  /// The run's model tokens (GET /v1/runs/{id}'s usage); nullopt when not metered.
  std::optional<boost::json::object> run_usage(const std::string& run_id);

  /// The ApiError for an engine refusal.
  static ApiError refusal_error(const execution::RunRefused& refusal);

 private:
  template <class F>
  auto guarded(const char* what, F&& f) -> decltype(f());
  /// 429 budget_exceeded when `agent` calls models and the user's daily model-token
  /// budget is used up.
  std::optional<ApiError> budget_refusal(const std::string& user_id, const std::string& agent);
  /// Whether starting a run of `agent` reads the user's model budget (the database).
  bool checks_budget(const std::string& agent) const;

  const ServerDeps& deps_;
  RunRateLimiter& limiter_;
};

}  // namespace agenthost::server
