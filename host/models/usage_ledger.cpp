#include "models/usage_ledger.hpp"

#include <chrono>
#include <string>

namespace agenthost::models {
namespace {

using agenthost::ModelError;
using std::chrono::days;
using std::chrono::floor;
using std::chrono::system_clock;

std::int64_t today() { return floor<days>(system_clock::now()).time_since_epoch().count(); }

std::int64_t first_day_of_month() {
  const std::chrono::year_month_day ymd{floor<days>(system_clock::now())};
  return std::chrono::sys_days{ymd.year() / ymd.month() / 1}.time_since_epoch().count();
}

// "2026-12-03T00:00:00Z": when today's budget resets.
std::string next_reset() {
  const std::chrono::year_month_day ymd{floor<days>(system_clock::now()) + days(1)};
  char text[32];
  std::snprintf(text, sizeof text, "%04d-%02u-%02uT00:00:00Z", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
  return text;
}

boost::json::object totals_json(const std::map<std::string, database::TokenTotals>& by_endpoint) {
  database::TokenTotals all;
  boost::json::object endpoints;
  for (const auto& [name, t] : by_endpoint) {
    all.add(t);
    endpoints[name] = {{"prompt_tokens", t.prompt_tokens},
                       {"completion_tokens", t.completion_tokens},
                       {"calls", t.calls},
                       {"estimated", t.estimated}};
  }
  return {{"prompt_tokens", all.prompt_tokens}, {"completion_tokens", all.completion_tokens},
          {"total_tokens", all.total()},        {"calls", all.calls},
          {"estimated", all.estimated},         {"by_endpoint", std::move(endpoints)}};
}

}  // namespace

UsageLedger::UsageLedger(database::UsageStore& store, config::ModelBudgetSettings budgets)
    : store_(store), budgets_(budgets) {}

void UsageLedger::set_budgets(const config::ModelBudgetSettings& budgets) {
  std::lock_guard lock(mutex_);
  budgets_ = budgets;
}

config::ModelBudgetSettings UsageLedger::budgets() const {
  std::lock_guard lock(mutex_);
  return budgets_;
}

std::uint64_t UsageLedger::used_today(const std::string& user_id) {
  const auto day = today();
  {
    std::lock_guard lock(mutex_);
    const auto it = users_.find(user_id);
    if (it != users_.end() && it->second.day == day) return it->second.tokens;
  }
  std::uint64_t tokens = 0;
  for (const auto& [endpoint, t] : store_.of_user_since(user_id, day)) tokens += t.total();
  std::lock_guard lock(mutex_);
  auto& entry = users_[user_id];
  if (entry.day != day) entry = {day, tokens};
  return entry.tokens;
}

std::optional<std::string> UsageLedger::start_refusal(const std::string& user_id) {
  const auto per_day = budgets().tokens_per_day;
  if (per_day == 0) return std::nullopt;
  const auto used = used_today(user_id);
  if (used < per_day) return std::nullopt;
  return "the daily model-token budget of user " + user_id + " is used up (" +
         std::to_string(used) + " of " + std::to_string(per_day) +
         " tokens, model_budgets.tokens_per_day); it resets at " + next_reset();
}

void UsageLedger::check_call(const std::string& user_id, std::uint64_t run_tokens,
                             std::uint64_t estimated_tokens) {
  const auto b = budgets();
  if (b.tokens_per_run > 0 && run_tokens + estimated_tokens > b.tokens_per_run)
    throw ModelError(ModelError::Kind::budget_exceeded,
                     "this model call (about " + std::to_string(estimated_tokens) +
                         " tokens) would cross the run's model-token budget: " +
                         std::to_string(run_tokens) + " of " + std::to_string(b.tokens_per_run) +
                         " tokens used (model_budgets.tokens_per_run)");
  if (b.tokens_per_day == 0) return;
  const auto used = used_today(user_id);
  if (used + estimated_tokens > b.tokens_per_day)
    throw ModelError(ModelError::Kind::budget_exceeded,
                     "this model call (about " + std::to_string(estimated_tokens) +
                         " tokens) would cross the daily model-token budget of user " + user_id +
                         ": " + std::to_string(used) + " of " + std::to_string(b.tokens_per_day) +
                         " tokens used today (model_budgets.tokens_per_day); it resets at " +
                         next_reset());
}

void UsageLedger::record(const std::string& run_id, const std::string& user_id,
                         const std::string& endpoint, const agenthost::TokenUsage& usage) {
  const auto day = today();
  store_.add(run_id, user_id, endpoint, day,
             {usage.prompt_tokens, usage.completion_tokens, 1, usage.estimated});
  std::lock_guard lock(mutex_);
  auto it = users_.find(user_id);
  // A user not loaded yet is read from the store (this call included) when needed.
  if (it != users_.end() && it->second.day == day)
    it->second.tokens += usage.prompt_tokens + usage.completion_tokens;
}

boost::json::object UsageLedger::run_usage(const std::string& run_id) {
  return totals_json(store_.of_run(run_id));
}

boost::json::object UsageLedger::user_usage(const std::string& user_id) {
  const auto day = today();
  auto month_rows = store_.of_user_since(user_id, first_day_of_month());
  auto today_rows = store_.of_user_since(user_id, day);
  const auto b = budgets();
  boost::json::object budget{
      {"tokens_per_day",
       b.tokens_per_day == 0 ? boost::json::value(nullptr) : boost::json::value(b.tokens_per_day)},
      {"tokens_per_run",
       b.tokens_per_run == 0 ? boost::json::value(nullptr) : boost::json::value(b.tokens_per_run)},
      {"resets_at", next_reset()}};
  std::uint64_t used = 0;
  for (const auto& [name, t] : today_rows) used += t.total();
  if (b.tokens_per_day > 0)
    budget["remaining_today"] = used >= b.tokens_per_day ? 0 : b.tokens_per_day - used;
  return {{"user_id", user_id},
          {"today", totals_json(today_rows)},
          {"month", totals_json(month_rows)},
          {"budget", std::move(budget)}};
}

}  // namespace agenthost::models
