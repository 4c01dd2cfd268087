#pragma once
/// \file
/// RunInput: the host's agenthost::UserInput, one per run. ask() runs on the run's
/// fiber: it emits input_required, tells the engine the run waits (InputWaits), and
/// suspends the fiber (FiberWaiter::await: no thread held) until offer() brings an
/// answer that fits the question's schema, or the run's stop token fires. offer() is
/// called from the server's request threads.

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "agenthost/user_input.hpp"
#include "fiber/fiber_waiter.hpp"
#include "schema/compiled_schema.hpp"

namespace agenthost::events {
class UserEventEmitter;
}

namespace agenthost::execution {

/// What a waiting run needs of the engine and the run store; implemented by the
/// ExecutionEngine. Called on the run's fiber.
class InputWaits {
 public:
  virtual ~InputWaits() = default;
  /// The run starts waiting: counts it against the user's waiting cap (throws
  /// std::runtime_error naming the limit when full), gives back its concurrency slot,
  /// pauses its run_timeout and arms its input_timeout.
  virtual void begin_input_wait(const std::string& run_id) = 0;
  /// The wait is over (answered or stopped): the reverse of begin_input_wait.
  virtual void end_input_wait(const std::string& run_id) = 0;
  /// Stores the run as waiting for `question`, or (nullopt) as running again.
  virtual void record_question(const std::string& run_id,
                               const std::optional<boost::json::object>& question) = 0;
  /// Stores `state` as the run's checkpoint, after every event emitted before it.
  virtual void record_checkpoint(const std::string& run_id, const boost::json::value& state) = 0;
};

class RunInput final : public agenthost::UserInput {
 public:
  RunInput(std::shared_ptr<fiber::FiberWaiter> waiter, InputWaits& waits);

  /// Once, before the run can start: the run this input belongs to, and its latest
  /// checkpoint (a resumed run's).
  void bind(std::string run_id, std::optional<boost::json::value> checkpoint = std::nullopt);
  /// A resumed run that was waiting: its first ask() takes this question over (same
  /// id, no second input_required) instead of asking a new one.
  void resume_question(boost::json::object question);

  /// The run's emitter, while its scope exists (ask() throws RunEnded otherwise).
  void attach(events::UserEventEmitter& emitter);
  void detach() noexcept;
  /// Closes the attached emitter (no event of the run can be stored from now on);
  /// false when none is attached. Any thread.
  bool close_emitter();

  boost::json::value ask(std::string_view prompt, const boost::json::object& schema,
                         const std::stop_token& stop) override;
  void checkpoint(const boost::json::value& state) override;
  std::optional<boost::json::value> last_checkpoint() const override;

  enum class Offer { accepted, not_waiting, invalid };
  struct OfferResult {
    Offer outcome = Offer::not_waiting;
    std::string message;  ///< for invalid: the field at fault and why
  };
  /// Delivers the user's answer to the pending question. Any thread.
  OfferResult offer(boost::json::value answer);

 private:
  struct Pending {
    std::string question_id;
    std::shared_ptr<const schema::CompiledSchema> schema;
    std::optional<boost::json::value> answer;
    std::function<void()> wake;  // set while the fiber is suspended
  };

  boost::json::value wait_for_answer(const boost::json::object& question,
                                     std::shared_ptr<const schema::CompiledSchema> schema,
                                     const std::stop_token& stop, bool resumed);

  const std::shared_ptr<fiber::FiberWaiter> waiter_;
  InputWaits& waits_;
  std::string run_id_;

  mutable std::mutex mutex_;  // everything below
  events::UserEventEmitter* emitter_ = nullptr;
  std::optional<Pending> pending_;
  std::optional<boost::json::object> resumed_question_;
  std::optional<boost::json::value> checkpoint_;
};

}  // namespace agenthost::execution
