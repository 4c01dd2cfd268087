#pragma once
/// \file
/// UsageStore: the model tokens of runs (table model_usage, one row per run, endpoint
/// and UTC day), on the host's pool. Blocking; thread-safe. Every call throws
/// DatabaseError (naming what failed) when the database does.

#include <cstdint>
#include <map>
#include <string>

#include "database/database_session_manager.hpp"

namespace agenthost::database {

/// Tokens of some model calls.
struct TokenTotals {
  std::uint64_t prompt_tokens = 0;
  std::uint64_t completion_tokens = 0;
  std::uint64_t calls = 0;
  bool estimated = false;  ///< some of it counted by the host, not reported by the provider

  void add(const TokenTotals& other) {
    prompt_tokens += other.prompt_tokens;
    completion_tokens += other.completion_tokens;
    calls += other.calls;
    estimated = estimated || other.estimated;
  }
  std::uint64_t total() const { return prompt_tokens + completion_tokens; }
};

class UsageStore {
 public:
  explicit UsageStore(DatabaseSessionManager& manager) : manager_(manager) {}

  /// Adds one model call's tokens to the run's row for `endpoint` and `day` (days since
  /// 1970-01-01, UTC).
  void add(const std::string& run_id, const std::string& user_id, const std::string& endpoint,
           std::int64_t day, const TokenTotals& call);
  /// The run's tokens by endpoint.
  std::map<std::string, TokenTotals> of_run(const std::string& run_id);
  /// The user's tokens by endpoint from day `first_day` on.
  std::map<std::string, TokenTotals> of_user_since(const std::string& user_id,
                                                   std::int64_t first_day);

 private:
  DatabaseSessionManager& manager_;
};

}  // namespace agenthost::database
