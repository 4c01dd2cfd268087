#pragma once
/// \file
/// RunUsageMeter: one run's UsageMeter in the host: budget checks and token records
/// through the UsageLedger, on the blocking pool while the run is suspended, and the
/// endpoint's token counters for /metrics.

#include <string>

#include "fiber/fiber_waiter.hpp"
#include "models/usage_meter.hpp"

namespace agenthost::models {

class ModelEndpoints;
class UsageLedger;

class RunUsageMeter final : public UsageMeter {
 public:
  /// `ledger` and `endpoints` may be null (nothing checked or stored; not counted).
  RunUsageMeter(UsageLedger* ledger, ModelEndpoints* endpoints, std::string user_id,
                std::string run_id, fiber::FiberWaiter& waiter)
      : ledger_(ledger),
        endpoints_(endpoints),
        user_id_(std::move(user_id)),
        run_id_(std::move(run_id)),
        waiter_(waiter) {}

  void check(std::string_view endpoint, std::uint64_t estimated_tokens) override;
  void record(std::string_view endpoint, const agenthost::TokenUsage& usage) override;

 private:
  UsageLedger* const ledger_;
  ModelEndpoints* const endpoints_;
  const std::string user_id_;
  const std::string run_id_;
  fiber::FiberWaiter& waiter_;
  std::uint64_t run_tokens_ = 0;
};

}  // namespace agenthost::models
