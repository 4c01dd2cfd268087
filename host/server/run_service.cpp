#include "server/run_service.hpp"

#include <spdlog/spdlog.h>

#include <exception>
#include <future>

#include "context/random_id.hpp"
#include "database/database_error.hpp"
#include "database/run_store.hpp"
#include "events/event_store.hpp"
#include "execution/execution_engine.hpp"
#include "models/usage_ledger.hpp"
#include "server/api_json.hpp"

namespace agenthost::server {

namespace {

ApiError not_found(std::string_view what, const std::string& id) {
  return make_error(404, error_code::not_found, std::string(what) + " \"" + id + "\" not found");
}

ApiError storage_unavailable() {
  auto error = make_error(503, error_code::storage_unavailable,
                          "the host's database is unavailable; try again shortly");
  error.retry_after = std::chrono::seconds(1);
  return error;
}

}  // namespace

// Runs `f`, turning a database failure into 503 and anything else into 500; the
// details go to the log only.
template <class F>
auto RunService::guarded(const char* what, F&& f) -> decltype(f()) {
  try {
    return f();
  } catch (const database::DatabaseError& e) {
    spdlog::error("{}: database error: {}", what, e.what());
    return storage_unavailable();
  } catch (const std::exception& e) {
    spdlog::error("{}: {}", what, e.what());
    return make_error(500, error_code::internal, "internal error; the host logged the details");
  }
}

ApiError RunService::refusal_error(const execution::RunRefused& refusal) {
  namespace r = execution::refusal;
  const std::string message = refusal.what();
  const auto code = refusal.code();
  if (code == r::invalid) return make_error(400, error_code::invalid_field, message);
  if (code == r::unknown_agent) return make_error(404, error_code::unknown_agent, message);
  if (code == r::not_found) return make_error(404, error_code::not_found, message);
  if (code == r::thread_busy) return make_error(409, error_code::thread_busy, message);
  if (code == r::limit) {
    auto error = make_error(429, error_code::queue_full, message);
    error.retry_after = std::chrono::seconds(1);
    return error;
  }
  if (code == r::shutting_down) return make_error(503, error_code::shutting_down, message);
  if (code == r::agent_unavailable) return make_error(503, error_code::agent_unavailable, message);
  return make_error(500, error_code::internal, message);
}

RunService::StartResult RunService::start_run(const std::string& user_id, RunFields fields,
                                              std::shared_ptr<events::EventSink> subscriber) {
  auto answer = std::make_shared<std::promise<StartResult>>();
  auto result = answer->get_future();
  start_run_async(user_id, std::move(fields), std::move(subscriber),
                  [answer](StartResult r) { answer->set_value(std::move(r)); });
  return result.get();
}

void RunService::start_run_async(const std::string& user_id, RunFields fields,
                                 std::shared_ptr<events::EventSink> subscriber,
                                 std::function<void(StartResult)> done) {
  if (auto wait = limiter_.acquire(user_id)) {
    auto error = make_error(
        429, error_code::rate_limited,
        "too many runs started per second; retry in " + std::to_string(wait->count()) + " s");
    error.retry_after = *wait;
    return done(std::move(error));
  }
  if (auto refusal = budget_refusal(user_id, fields.agent)) return done(std::move(*refusal));
  execution::RunRequest request;
  request.user_id = user_id;
  request.thread_id = std::move(fields.thread_id);
  request.agent = std::move(fields.agent);
  request.input = std::move(fields.input);
  if (fields.strategy) request.strategy = *fields.strategy;
  request.metadata = std::move(fields.metadata);
  deps_.engine.submit_async(std::move(request), std::move(subscriber),
                            [this, done = std::move(done)](execution::SubmitResult submitted) {
                              if (auto* ticket = std::get_if<execution::RunTicket>(&submitted))
                                return done(std::move(*ticket));
                              done(guarded("start_run", [&]() -> StartResult {
                                try {
                                  std::rethrow_exception(std::get<std::exception_ptr>(submitted));
                                } catch (const execution::RunRefused& refusal) {
                                  return refusal_error(refusal);
                                }
                              }));
                            });
}

bool RunService::starts_without_blocking(const std::string& agent) const {
  return deps_.engine.submits_without_blocking() && !checks_budget(agent);
}

bool RunService::checks_budget(const std::string& agent) const {
  const auto* agent_class = deps_.registry.find_agent(agent);
  // Only agents that call models are refused: the budget is of model tokens.
  return deps_.usage && agent_class && !agent_class->info.model_endpoints.empty();
}

std::optional<ApiError> RunService::budget_refusal(const std::string& user_id,
                                                   const std::string& agent) {
  if (!checks_budget(agent)) return std::nullopt;
  auto refusal = guarded("budget check", [&]() -> std::variant<std::monostate, ApiError> {
    if (auto message = deps_.usage->start_refusal(user_id))
      return make_error(429, error_code::budget_exceeded, *message);
    return std::monostate{};
  });
  if (auto* error = std::get_if<ApiError>(&refusal)) return *error;
  return std::nullopt;
}

std::variant<boost::json::object, ApiError> RunService::user_usage(const std::string& user_id) {
  if (!deps_.usage)
    return make_error(404, error_code::not_found, "this host meters no model usage");
  return guarded("user_usage", [&]() -> std::variant<boost::json::object, ApiError> {
    return deps_.usage->user_usage(user_id);
  });
}

std::optional<boost::json::object> RunService::run_usage(const std::string& run_id) {
  if (!deps_.usage) return std::nullopt;
  try {
    return deps_.usage->run_usage(run_id);
  } catch (const std::exception& e) {
    // The run itself is still worth answering with; its usage is left out.
    spdlog::error("run_usage of {}: {}", run_id, e.what());
    return std::nullopt;
  }
}

std::optional<ApiError> RunService::cancel_run(const std::string& user_id,
                                               const std::string& run_id) {
  return guarded("cancel_run", [&]() -> std::optional<ApiError> {
    if (!deps_.engine.cancel(user_id, run_id)) return not_found("run", run_id);
    return std::nullopt;
  });
}

std::optional<ApiError> RunService::answer_run(const std::string& user_id,
                                               const std::string& run_id,
                                               boost::json::value input) {
  return guarded("answer_run", [&]() -> std::optional<ApiError> {
    using Outcome = execution::AnswerResult::Outcome;
    auto result = deps_.engine.answer(user_id, run_id, std::move(input));
    switch (result.outcome) {
      case Outcome::accepted:
        return std::nullopt;
      case Outcome::not_found:
        return not_found("run", run_id);
      case Outcome::not_waiting:
        return make_error(409, error_code::not_waiting, result.message);
      case Outcome::invalid:
        return make_error(400, error_code::invalid_field, result.message);
    }
    return std::nullopt;
  });
}

std::variant<database::RunRecord, ApiError> RunService::find_run(const std::string& user_id,
                                                                 const std::string& run_id) {
  return guarded("find_run", [&]() -> std::variant<database::RunRecord, ApiError> {
    auto run = deps_.runs.find_run(run_id, user_id);
    if (!run) return not_found("run", run_id);
    return std::move(*run);
  });
}

std::variant<std::string, ApiError> RunService::create_thread(const std::string& user_id) {
  return guarded("create_thread", [&]() -> std::variant<std::string, ApiError> {
    auto thread_id = context::time_ordered_id();
    deps_.runs.create_thread(thread_id, user_id);
    return thread_id;
  });
}

std::variant<std::vector<database::RunRecord>, ApiError> RunService::runs_of_thread(
    const std::string& user_id, const std::string& thread_id, std::size_t limit,
    const std::string& after_run_id) {
  using Result = std::variant<std::vector<database::RunRecord>, ApiError>;
  return guarded("runs_of_thread", [&]() -> Result {
    if (deps_.runs.thread_owner(thread_id, user_id) != database::RunStore::ThreadOwnership::owned)
      return not_found("thread", thread_id);
    return deps_.runs.runs_of_thread(thread_id, user_id, limit, after_run_id);
  });
}

std::variant<boost::json::object, ApiError> RunService::user_stats(const std::string& user_id) {
  return guarded("user_stats", [&]() -> std::variant<boost::json::object, ApiError> {
    const auto& state = deps_.engine.state();
    return user_stats_json(user_id, deps_.runs.count_runs_by_status(user_id),
                           state.user_stats(user_id), state.user_health(user_id),
                           deps_.engine.limits());
  });
}

std::variant<std::vector<events::EventPtr>, ApiError> RunService::stored_events(
    const std::string& user_id, const std::string& run_id, std::uint64_t after, std::size_t limit) {
  using Result = std::variant<std::vector<events::EventPtr>, ApiError>;
  return guarded("stored_events", [&]() -> Result {
    // Whatever was delivered before this call was appended before it: after the
    // flush it is in the log.
    deps_.event_store.await_run_settled(run_id);
    auto rows = deps_.runs.events_after(run_id, user_id, after, limit);
    std::vector<events::EventPtr> out;
    out.reserve(rows.size());
    for (auto& row : rows) out.push_back(std::make_shared<const events::Event>(std::move(row)));
    return out;
  });
}

}  // namespace agenthost::server
