#pragma once
/// \file
/// RunRecord: one run as the host stores it, and the statuses a run goes through.
/// Times are stored as BIGINT milliseconds since the Unix epoch (UTC); finer
/// precision is truncated.

#include <boost/json/value.hpp>

#include <array>
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace agenthost::database {

using TimePoint = std::chrono::system_clock::time_point;

/// queued -> running -> one of the terminal statuses; queued or running runs found
/// at startup become interrupted.
namespace run_status {
inline constexpr std::string_view queued = "queued";
inline constexpr std::string_view running = "running";
/// Suspended in ExecutionContext::ask until its user answers (RunRecord::question).
inline constexpr std::string_view waiting_input = "waiting_input";
inline constexpr std::string_view completed = "completed";
inline constexpr std::string_view failed = "failed";
inline constexpr std::string_view cancelled = "cancelled";
inline constexpr std::string_view timed_out = "timed_out";
inline constexpr std::string_view interrupted = "interrupted";
/// Every status, in the order above.
inline constexpr std::array<std::string_view, 8> all = {
    queued, running, waiting_input, completed, failed, cancelled, timed_out, interrupted};
}  // namespace run_status

/// True for completed, failed, cancelled, timed_out and interrupted.
bool is_terminal_run_status(std::string_view status) noexcept;
/// True for queued, running, waiting_input and the terminal statuses.
bool is_known_run_status(std::string_view status) noexcept;

struct RunRecord {
  std::string run_id;
  std::string thread_id;
  std::string user_id;
  std::string agent_name;
  std::string status = std::string(run_status::queued);
  boost::json::value input;
  std::optional<boost::json::value> result;
  std::optional<boost::json::value> error;
  TimePoint created_at;
  std::optional<TimePoint> started_at;
  std::optional<TimePoint> finished_at;
  /// While the status is waiting_input: {"question_id","prompt","schema"}.
  std::optional<boost::json::value> question;
};

}  // namespace agenthost::database
