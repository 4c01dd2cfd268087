#pragma once
/// \file
/// UsageMeter: where a run's model calls are checked against the user's budget and
/// their tokens recorded (the host's: per run, per user, metrics). Called on the run's
/// fiber, before and after each model call.

#include <cstdint>
#include <string_view>

#include "agenthost/model_gateway.hpp"

namespace agenthost::models {

class UsageMeter {
 public:
  virtual ~UsageMeter() = default;
  /// Throws agenthost::ModelError (budget_exceeded) when a call to `endpoint` of
  /// about `estimated_tokens` would cross a budget; the message says when it resets.
  virtual void check(std::string_view endpoint, std::uint64_t estimated_tokens) = 0;
  /// Records the tokens of one model call to `endpoint`.
  virtual void record(std::string_view endpoint, const agenthost::TokenUsage& usage) = 0;

 protected:
  UsageMeter() = default;
  UsageMeter(const UsageMeter&) = delete;
  UsageMeter& operator=(const UsageMeter&) = delete;
};

}  // namespace agenthost::models
