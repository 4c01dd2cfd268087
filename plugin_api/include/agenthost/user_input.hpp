#pragma once
/// \file
/// UserInput: how a run asks its user a question and waits for the answer, and how it
/// saves its progress. The host gives every run one (through its ExecutionContext);
/// agents call ExecutionContext::ask and ExecutionContext::checkpoint, which forward
/// here. The SDK's test harness gives one that answers from a queue the test fills.

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <optional>
#include <stdexcept>
#include <stop_token>
#include <string_view>

namespace agenthost {

/// Thrown by ask() when the run was stopped while it waited for its answer (cancelled,
/// its input_timeout passed, the host shut down). The run ends with agent_death; the
/// agent should let the exception go (or return at once).
class InputAbandoned : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class UserInput {
 public:
  virtual ~UserInput() = default;

  /// Emits input_required {question_id, prompt, schema}, sets the run's status to
  /// waiting_input, suspends the run (it holds no thread meanwhile, and no database
  /// session unless the agent has one open) until its user answers with a value that
  /// fits `schema` (JSON Schema draft 7), emits input_received {question_id, input}
  /// and returns the answer. Throws std::invalid_argument for a schema the host cannot
  /// compile, std::runtime_error when the user already has the most runs waiting for
  /// input (limits.max_waiting_runs_per_user), InputAbandoned when `stop` fires first.
  /// Call on the run's own fiber (from run()), one question at a time.
  virtual boost::json::value ask(std::string_view prompt, const boost::json::object& schema,
                                 const std::stop_token& stop) = 0;

  /// Stores `state` as the run's latest checkpoint, in order with the run's events
  /// (everything emitted before it is stored first). For a resumable agent class the
  /// host restarts a run interrupted by a host restart in a fresh instance that reads
  /// it back through last_checkpoint().
  virtual void checkpoint(const boost::json::value& state) = 0;

  /// The run's latest checkpoint (from this instance or, for a resumed run, from the
  /// one the host stopped); nullopt when none was saved.
  virtual std::optional<boost::json::value> last_checkpoint() const = 0;

 protected:
  UserInput() = default;
  UserInput(const UserInput&) = delete;
  UserInput& operator=(const UserInput&) = delete;
};

}  // namespace agenthost
