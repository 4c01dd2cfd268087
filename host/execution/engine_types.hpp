#pragma once
/// \file
/// The ExecutionEngine's vocabulary: what a caller submits, what it gets back, why a
/// run is refused, and the engine's options.

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <functional>
#include <future>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <variant>

#include "agenthost/execution_context.hpp"
#include "events/result_limit.hpp"
#include "execution/run_outcome.hpp"

namespace agenthost::execution {

/// What a new run does when its thread is already running (or has queued) a run.
enum class MultitaskStrategy {
  reject,    ///< refuse the new run with RunRefused code "thread_busy"
  enqueue,   ///< (default) wait until the runs before it on the thread have ended
  interrupt  ///< stop the thread's running run and drop its queued ones (all end
             ///< `interrupted`, agent_death cause "interrupted"), then start as soon
             ///< as the running one's run() has returned
};

/// "reject", "enqueue", "interrupt".
std::string_view to_string(MultitaskStrategy strategy) noexcept;
/// The strategy named `name`, or nullopt.
std::optional<MultitaskStrategy> parse_multitask_strategy(std::string_view name) noexcept;

struct RunRequest {
  std::string user_id;                   ///< the authenticated user
  std::optional<std::string> thread_id;  ///< a thread of this user; absent: a new thread
  std::string agent;                     ///< a registered agent class
  boost::json::value input;              ///< passed to the agent's run()
  MultitaskStrategy strategy = MultitaskStrategy::enqueue;
  boost::json::object metadata;  ///< copied into the context; reserved keys refused
};

struct RunTicket {
  std::string run_id;
  std::string thread_id;
  std::string request_id;
  /// Ready once the run is final: its terminal event is stored, its status written,
  /// its scope released and its subscription (if any) dropped. Never throws.
  std::shared_future<RunOutcome> finished;
};

/// What ExecutionEngine::submit_async reports, once: the accepted run's ticket, or why
/// it was not accepted (a RunRefused, or a database::DatabaseError when its record
/// could not be stored).
using SubmitResult = std::variant<RunTicket, std::exception_ptr>;
using SubmitDone = std::function<void(SubmitResult)>;

/// Why submit() refused a run. The message says what is wrong and what to do.
class RunRefused : public std::runtime_error {
 public:
  RunRefused(std::string_view code, const std::string& message)
      : std::runtime_error(message), code_(code) {}
  /// One of the refusal:: codes below (a network layer maps them to statuses).
  std::string_view code() const noexcept { return code_; }

 private:
  std::string code_;
};

namespace refusal {
inline constexpr std::string_view invalid = "invalid";              ///< bad id or metadata (400)
inline constexpr std::string_view unknown_agent = "unknown_agent";  ///< (404)
inline constexpr std::string_view limit = "limit";              ///< the user's queue is full (429)
inline constexpr std::string_view thread_busy = "thread_busy";  ///< strategy reject (409)
inline constexpr std::string_view not_found = "not_found";      ///< another user's thread (404)
inline constexpr std::string_view shutting_down = "shutting_down";  ///< (503)
/// the agent is quarantined after crashing its worker processes (503)
inline constexpr std::string_view agent_unavailable = "agent_unavailable";
}  // namespace refusal

/// Where a resumed run continues (ExecutionEngine::resume).
struct ResumePoint {
  std::string run_id;                            ///< the run's own id (empty: a new run)
  std::uint64_t last_seq = 0;                    ///< seq of its last stored event
  std::optional<boost::json::value> checkpoint;  ///< its latest checkpoint
  std::optional<boost::json::object> question;   ///< the question it was waiting on
};

/// What ExecutionEngine::answer did with a user's answer.
struct AnswerResult {
  enum class Outcome {
    accepted,     ///< the waiting run continues with it
    not_found,    ///< no such run of this user
    not_waiting,  ///< the run exists but waits for no answer (message says its status)
    invalid       ///< the answer does not fit the question's schema (message names the field)
  };
  Outcome outcome = Outcome::not_found;
  std::string message;
};

/// The per-user limits, which a reload may change while runs go on (see
/// ExecutionEngine::update_limits). Defaults: the SDK's ResourceLimits.
struct RunLimits {
  /// Runs of one user on workers at once.
  std::uint32_t max_concurrent_runs_per_user = ResourceLimits{}.max_concurrent_runs;
  /// Runs of one user that may wait beyond those its free slots will take (see
  /// EngineOptions).
  std::uint32_t max_queued_runs_per_user = ResourceLimits{}.max_queued_runs;
  /// From the start of a run (not its submission) to the stop request, counting only
  /// the time it works (not the time it waits for its user's answer).
  std::chrono::milliseconds run_timeout = ResourceLimits{}.run_timeout;
  /// How long a run may wait for its user's answer (cause input_timeout).
  std::chrono::milliseconds input_timeout = ResourceLimits{}.input_timeout;
  /// Runs of one user waiting for input at once; a run that asks beyond it fails.
  std::uint32_t max_waiting_runs_per_user = ResourceLimits{}.max_waiting_runs;
};

struct EngineOptions {
  /// Threads that run agent code, shared by all users; each carries many runs as
  /// fibers (a run that waits gives its thread to another). Not a cap on runs.
  std::uint32_t worker_threads = 4;
  /// Runs started and not ended (running or waiting), all users together: bounds
  /// memory. Beyond it, ready runs wait their turn, fairly by user.
  std::uint32_t max_active_runs = 10000;
  /// Threads for blocking calls made while a run is suspended (scoped database
  /// transactions, the host's run records, agents' run_blocking work).
  std::uint32_t blocking_threads = 16;
  /// Stack reserved per run (resident: only the pages it touches).
  std::size_t fiber_stack_size = 256 * 1024;
  /// Runs of one user on workers at once.
  std::uint32_t max_concurrent_runs_per_user = ResourceLimits{}.max_concurrent_runs;
  /// Runs of one user that may wait (for the user's concurrency cap, their thread or
  /// a worker) beyond those the user's free concurrency slots will take; one more is
  /// refused ("limit"). 0: a run is accepted only when a slot is free for it.
  std::uint32_t max_queued_runs_per_user = ResourceLimits{}.max_queued_runs;
  /// From the start of a run (not its submission) to the stop request, counting only
  /// the time it works.
  std::chrono::milliseconds run_timeout = ResourceLimits{}.run_timeout;
  /// How long a run may wait for its user's answer (ExecutionContext::ask).
  std::chrono::milliseconds input_timeout = ResourceLimits{}.input_timeout;
  /// Runs of one user waiting for input at once (not counted as concurrent runs).
  std::uint32_t max_waiting_runs_per_user = ResourceLimits{}.max_waiting_runs;
  /// Largest result of a run, in bytes of JSON (limits.max_result_bytes); a larger
  /// one fails the run with agent_error.
  std::size_t max_result_bytes = events::kDefaultMaxResultBytes;
  /// How long the monitoring figures of an idle user are kept.
  std::chrono::milliseconds idle_user_stats_ttl{std::chrono::hours(1)};
  /// How long a submission waits for its run's record to be stored (SQLite: the event
  /// log's writer) before it is refused with a database error. The write stays
  /// queued, and a failed status follows it, so the record never shows a run that
  /// will not run.
  std::chrono::milliseconds record_write_timeout{std::chrono::seconds(10)};
};

/// Throws std::invalid_argument naming the first option that is 0 or negative
/// (max_queued_runs_per_user may be 0).
void check_options(const EngineOptions& options);
/// The same for the limits alone.
void check_limits(const RunLimits& limits);

}  // namespace agenthost::execution
