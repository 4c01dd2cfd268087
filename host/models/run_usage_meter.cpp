#include "models/run_usage_meter.hpp"

#include "models/model_endpoints.hpp"
#include "models/usage_ledger.hpp"

namespace agenthost::models {

void RunUsageMeter::check(std::string_view, std::uint64_t estimated_tokens) {
  if (!ledger_) return;
  waiter_.run_blocking([&] { ledger_->check_call(user_id_, run_tokens_, estimated_tokens); });
}

void RunUsageMeter::record(std::string_view endpoint, const agenthost::TokenUsage& usage) {
  run_tokens_ += usage.prompt_tokens + usage.completion_tokens;
  if (endpoints_) endpoints_->record_usage(endpoint, usage.prompt_tokens, usage.completion_tokens);
  if (!ledger_) return;
  waiter_.run_blocking([&] { ledger_->record(run_id_, user_id_, std::string(endpoint), usage); });
}

}  // namespace agenthost::models
