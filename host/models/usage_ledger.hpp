#pragma once
/// \file
/// UsageLedger: the host's account of model tokens: every call's tokens stored per
/// run, endpoint and day (database::UsageStore), each user's total of the UTC day kept
/// in memory for the budget checks, and the budgets themselves (section
/// `model_budgets`, replaced live on SIGHUP). Thread-safe; the calls marked blocking
/// use the host's database pool (call them off the event loops: on the blocking pool
/// or a request thread).

#include <boost/json/object.hpp>

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "agenthost/model_gateway.hpp"
#include "config/models_section.hpp"
#include "database/usage_store.hpp"

namespace agenthost::models {

class UsageLedger {
 public:
  UsageLedger(database::UsageStore& store, config::ModelBudgetSettings budgets);

  void set_budgets(const config::ModelBudgetSettings& budgets);
  config::ModelBudgetSettings budgets() const;

  /// Blocking. Why `user_id` may not start a run that calls models now (today's
  /// budget is used up, and when it resets); nullopt when it may.
  std::optional<std::string> start_refusal(const std::string& user_id);
  /// Blocking. Throws agenthost::ModelError (budget_exceeded) when a call of about
  /// `estimated_tokens` would cross the user's daily budget or, with the run's
  /// `run_tokens` so far, the per-run budget.
  void check_call(const std::string& user_id, std::uint64_t run_tokens,
                  std::uint64_t estimated_tokens);
  /// Blocking. Stores one call's tokens and counts them against the user's day.
  void record(const std::string& run_id, const std::string& user_id, const std::string& endpoint,
              const agenthost::TokenUsage& usage);

  /// Blocking. GET /v1/runs/{id}'s `usage`: the run's tokens, by endpoint too.
  boost::json::object run_usage(const std::string& run_id);
  /// Blocking. GET /v1/me/usage: today and this month (UTC), by endpoint, and the
  /// budget left.
  boost::json::object user_usage(const std::string& user_id);

 private:
  std::uint64_t used_today(const std::string& user_id);

  database::UsageStore& store_;
  mutable std::mutex mutex_;
  config::ModelBudgetSettings budgets_;
  struct Day {
    std::int64_t day = -1;
    std::uint64_t tokens = 0;
  };
  std::unordered_map<std::string, Day> users_;  // today's total per user, loaded on demand
};

}  // namespace agenthost::models
