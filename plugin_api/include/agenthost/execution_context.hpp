#pragma once
/// \file
/// ExecutionContext: the immutable description of one request, created by the host
/// for every run and handed to the agent. Copies are cheap (one shared pointer and a
/// stop token) and safe to pass between threads.

#include <boost/json/object.hpp>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <exception>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <stop_token>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

#include "agenthost/id_rules.hpp"
#include "agenthost/run_waiter.hpp"
#include "agenthost/user_input.hpp"

namespace agenthost {

/// The per-user limits in force for this run (from the host's configuration). These
/// defaults are the host's: its configuration (limits.*) and its engine take theirs
/// from here, so the three cannot drift apart.
struct ResourceLimits {
  std::uint32_t max_concurrent_runs = 5;
  std::uint32_t max_queued_runs = 100;
  std::chrono::milliseconds run_timeout{std::chrono::seconds(300)};
  /// How long a run may wait for its user's answer (ExecutionContext::ask); the time
  /// it waits does not count against run_timeout.
  std::chrono::milliseconds input_timeout{std::chrono::hours(24)};
  /// Runs of one user waiting for input at once (a cap of its own: they hold no
  /// concurrency slot while they wait).
  std::uint32_t max_waiting_runs = 1000;
};

/// Thrown when a context would be invalid; field() names the offending field.
class ContextError : public std::invalid_argument {
 public:
  ContextError(std::string field, const std::string& problem)
      : std::invalid_argument(field + " " + problem), field_(std::move(field)) {}
  const std::string& field() const noexcept { return field_; }

 private:
  std::string field_;
};

/// What the host fills in to create a context. Not used by agents.
struct ContextFields {
  std::string user_id;
  std::string thread_id;
  std::string run_id;
  std::string request_id;
  std::string agent_name;
  std::string parent_request_id;  ///< empty for a top-level request
  std::uint32_t depth = 0;        ///< 0 for a top-level request
  boost::json::object metadata;   ///< caller-supplied; reserved keys refused
  ResourceLimits limits;
  std::chrono::system_clock::time_point created_at = std::chrono::system_clock::now();
  std::stop_token stop;  ///< the run's cancellation token
  /// How the run's waiting calls suspend it (the host's fiber scheduler); null: they
  /// block the calling thread (the SDK's test harness).
  std::shared_ptr<RunWaiter> waiter;
  /// How the run asks its user and saves checkpoints; null: ask() and checkpoint()
  /// throw std::logic_error.
  std::shared_ptr<UserInput> user_input;
};

/// Metadata keys that name context fields and so cannot be set through metadata.
inline constexpr std::string_view kReservedMetadataKeys[] = {
    "user_id",           "thread_id",  "run_id",     "request_id",
    "agent_name",        "created_at", "db_session", "websocket_client_id",
    "parent_request_id", "depth"};

/// Deepest chain of child contexts (a run that starts a sub-agent that starts ...).
inline constexpr std::uint32_t kMaxContextDepth = 10;

class ExecutionContext {
 public:
  /// Validates `fields` and freezes them. Throws ContextError naming the first bad
  /// field: an empty or placeholder id, a reserved metadata key, a depth over 10.
  static ExecutionContext create(ContextFields fields) {
    check_id("user_id", fields.user_id);
    check_id("thread_id", fields.thread_id);
    check_id("run_id", fields.run_id);
    check_id("request_id", fields.request_id);
    if (fields.agent_name.empty()) throw ContextError("agent_name", "is empty");
    if (fields.depth > kMaxContextDepth)
      throw ContextError("depth", "exceeds the maximum of 10 nested requests");
    if (fields.depth > 0) check_id("parent_request_id", fields.parent_request_id);
    for (const auto& kv : fields.metadata) {
      for (auto reserved : kReservedMetadataKeys)
        if (kv.key() == reserved)
          throw ContextError("metadata." + std::string(kv.key()),
                             "is reserved for the host and cannot be set through metadata");
    }
    auto stop = std::move(fields.stop);
    return ExecutionContext(std::make_shared<const ContextFields>(std::move(fields)),
                            std::move(stop));
  }

  const std::string& user_id() const noexcept { return data_->user_id; }
  const std::string& thread_id() const noexcept { return data_->thread_id; }
  const std::string& run_id() const noexcept { return data_->run_id; }
  const std::string& request_id() const noexcept { return data_->request_id; }
  const std::string& agent_name() const noexcept { return data_->agent_name; }
  const std::string& parent_request_id() const noexcept { return data_->parent_request_id; }
  std::uint32_t depth() const noexcept { return data_->depth; }
  const boost::json::object& metadata() const noexcept { return data_->metadata; }
  const ResourceLimits& limits() const noexcept { return data_->limits; }
  std::chrono::system_clock::time_point created_at() const noexcept { return data_->created_at; }

  /// The run's cancellation token: set on cancel, timeout, interrupt or shutdown.
  const std::stop_token& stop_token() const noexcept { return stop_; }
  bool stop_requested() const noexcept { return stop_.stop_requested(); }

  /// Waits up to `d`, returning early (false) as soon as the run is cancelled.
  /// Returns true when the full duration elapsed without cancellation. In the host the
  /// run is suspended meanwhile: it holds no thread (see agenthost/run_waiter.hpp).
  template <class Rep, class Period>
  bool sleep_for(std::chrono::duration<Rep, Period> d) const {
    const auto deadline =
        RunWaiter::Clock::now() + std::chrono::duration_cast<RunWaiter::Clock::duration>(d);
    if (data_->waiter) return data_->waiter->sleep_until(deadline, stop_);
    std::mutex m;
    std::condition_variable_any cv;
    std::unique_lock lock(m);
    return !cv.wait_until(lock, stop_, deadline, [] { return false; }) && !stop_.stop_requested();
  }

  /// Calls `work()` on the host's pool for blocking calls (a third-party HTTP client,
  /// file I/O, a long computation) while this run is suspended, so other runs keep
  /// the worker thread; returns what `work` returned and rethrows what it threw.
  /// `work` runs on another thread: it may use what the caller's stack holds, but no
  /// thread-local state of the caller. Outside the host (the SDK's test harness) it is
  /// simply called.
  template <class Work>
  std::invoke_result_t<Work&> run_blocking(Work&& work) const {
    using Result = std::invoke_result_t<Work&>;
    if (!data_->waiter) return work();
    if constexpr (std::is_void_v<Result>) {
      data_->waiter->run_blocking([&work] { work(); });
    } else {
      std::optional<Result> result;
      data_->waiter->run_blocking([&work, &result] { result.emplace(work()); });
      return std::move(*result);
    }
  }

  /// Asks the run's user: emits input_required (the prompt, `schema` and a question
  /// id), sets the run's status to waiting_input and suspends the run until the user
  /// answers with a value that fits `schema` (JSON Schema draft 7); returns that
  /// answer (also recorded as input_received). Waiting is bounded by
  /// limits().input_timeout, not run_timeout. Throws InputAbandoned when the run is
  /// stopped (cancelled, input timeout) while it waits; see agenthost/user_input.hpp.
  boost::json::value ask(std::string_view prompt, const boost::json::object& schema) const {
    return user_input("ask").ask(prompt, schema, stop_);
  }

  /// Saves `state` as the run's checkpoint (see UserInput::checkpoint): a resumable
  /// agent restarted after a host restart reads it back with last_checkpoint().
  void checkpoint(const boost::json::value& state) const {
    user_input("checkpoint").checkpoint(state);
  }

  /// The run's latest checkpoint, nullopt when none was saved.
  std::optional<boost::json::value> last_checkpoint() const {
    return data_->user_input ? data_->user_input->last_checkpoint() : std::nullopt;
  }

  /// A context for a nested request of the same run: new request id, this request
  /// as parent, depth + 1 (at most 10). Throws ContextError when too deep or when
  /// `request_id` is not a valid id.
  ExecutionContext child(std::string request_id) const {
    ContextFields f = *data_;
    f.parent_request_id = data_->request_id;
    f.request_id = std::move(request_id);
    f.depth = data_->depth + 1;
    f.stop = stop_;  // the same run: the same token and waiter
    return create(std::move(f));
  }

  /// "uuuuuuuu:tttttttt:rrrrrrrr:qqqqqqqq": the first 8 characters of user, thread,
  /// run and request ids, for log lines.
  std::string correlation_id() const {
    auto head = [](const std::string& s) { return s.substr(0, 8); };
    return head(user_id()) + ':' + head(thread_id()) + ':' + head(run_id()) + ':' +
           head(request_id());
  }

 private:
  ExecutionContext(std::shared_ptr<const ContextFields> d, std::stop_token s)
      : data_(std::move(d)), stop_(std::move(s)) {}

  UserInput& user_input(const char* call) const {
    if (!data_->user_input)
      throw std::logic_error(std::string(call) +
                             "() needs the host's user input service, which this context "
                             "was created without");
    return *data_->user_input;
  }

  static void check_id(const char* field, const std::string& value) {
    if (auto problem = id_problem(value); !problem.empty()) throw ContextError(field, problem);
  }

  std::shared_ptr<const ContextFields> data_;
  std::stop_token stop_;
};

}  // namespace agenthost
