#pragma once
/// \file
/// Quarantine: which agents crashed their worker processes too often lately. An
/// agent whose runs were on a worker that died `crashes` times within `within` is
/// refused new runs for `duration` (workers.quarantine); a reload lifts every
/// quarantine. Thread-safe.

#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <string>

namespace agenthost::supervisor {

struct QuarantinePolicy {
  std::uint32_t crashes = 3;
  std::chrono::milliseconds within{std::chrono::seconds(60)};
  std::chrono::milliseconds duration{std::chrono::minutes(5)};
};

class Quarantine {
 public:
  using Clock = std::chrono::system_clock;
  explicit Quarantine(QuarantinePolicy policy) : policy_(policy) {}

  /// A worker running a run of `agent` died `how`. Returns the message to log when
  /// this crash puts the agent in quarantine.
  std::optional<std::string> record_crash(const std::string& agent, const std::string& how,
                                          Clock::time_point now = Clock::now());
  /// Why runs of `agent` are refused now, or nullopt.
  std::optional<std::string> refusal(const std::string& agent,
                                     Clock::time_point now = Clock::now()) const;
  /// Lifts every quarantine and forgets past crashes; returns how many were lifted.
  std::size_t lift_all();
  /// Agents in quarantine now.
  std::size_t active(Clock::time_point now = Clock::now()) const;

 private:
  struct Record {
    std::deque<Clock::time_point> crashes;  // within the window
    std::optional<Clock::time_point> until;
    std::string last_how;
  };
  /// "UNTIL: its runs crashed ... (the last time, its worker HOW)", for both messages.
  std::string why(const Record& record) const;

  const QuarantinePolicy policy_;
  mutable std::mutex mutex_;
  std::map<std::string, Record> agents_;  // guarded by mutex_
};

}  // namespace agenthost::supervisor
