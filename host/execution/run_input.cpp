#include "execution/run_input.hpp"

#include <stdexcept>
#include <utility>

#include "agenthost/event_emitter.hpp"
#include "context/random_id.hpp"
#include "events/user_event_emitter.hpp"

namespace agenthost::execution {

RunInput::RunInput(std::shared_ptr<fiber::FiberWaiter> waiter, InputWaits& waits)
    : waiter_(std::move(waiter)), waits_(waits) {}

void RunInput::bind(std::string run_id, std::optional<boost::json::value> checkpoint) {
  run_id_ = std::move(run_id);
  std::lock_guard lock(mutex_);
  checkpoint_ = std::move(checkpoint);
}

void RunInput::resume_question(boost::json::object question) {
  std::lock_guard lock(mutex_);
  resumed_question_ = std::move(question);
}

void RunInput::attach(events::UserEventEmitter& emitter) {
  std::lock_guard lock(mutex_);
  emitter_ = &emitter;
}

void RunInput::detach() noexcept {
  std::lock_guard lock(mutex_);
  emitter_ = nullptr;
}

bool RunInput::close_emitter() {
  std::lock_guard lock(mutex_);
  if (!emitter_) return false;
  emitter_->close();
  return true;
}

boost::json::value RunInput::ask(std::string_view prompt, const boost::json::object& schema,
                                 const std::stop_token& stop) {
  if (stop.stop_requested())
    throw agenthost::InputAbandoned("the run was stopped before it could ask its user");
  auto compiled = schema::compile(schema);  // SchemaError: a std::invalid_argument
  std::optional<boost::json::object> question;
  {
    std::lock_guard lock(mutex_);
    if (pending_) throw std::logic_error("ask(): the run is already waiting for an answer");
    question = std::exchange(resumed_question_, std::nullopt);
  }
  const bool resumed = question.has_value();
  if (!resumed)
    question = boost::json::object{
        {"question_id", context::random_id()}, {"prompt", prompt}, {"schema", schema}};
  return wait_for_answer(*question, std::move(compiled), stop, resumed);
}

boost::json::value RunInput::wait_for_answer(const boost::json::object& question,
                                             std::shared_ptr<const schema::CompiledSchema> schema,
                                             const std::stop_token& stop, bool resumed) {
  const std::string question_id(question.at("question_id").as_string());
  events::UserEventEmitter* emitter = nullptr;
  {
    std::lock_guard lock(mutex_);
    emitter = emitter_;
  }
  if (!emitter) throw agenthost::RunEnded("ask(): the run is over");
  waits_.begin_input_wait(run_id_);  // throws at the user's waiting cap
  {
    std::lock_guard lock(mutex_);
    pending_.emplace(Pending{question_id, std::move(schema), std::nullopt, nullptr});
  }
  // Open for answers before the question is shown, so an answer to it is never early.
  bool answered = false;
  try {
    if (!resumed) emitter->emit_host("input_required", question);
    waits_.record_question(run_id_, question);
    answered = waiter_->await(
        [this](std::function<void()> wake) {
          std::unique_lock lock(mutex_);
          if (pending_->answer) {
            lock.unlock();
            wake();
          } else {
            pending_->wake = std::move(wake);
          }
        },
        [this] {
          std::lock_guard lock(mutex_);
          if (pending_->answer) return false;  // its wake-up is on its way
          pending_->wake = nullptr;
          return true;
        },
        stop);
  } catch (...) {
    {
      std::lock_guard lock(mutex_);
      pending_.reset();
    }
    waits_.end_input_wait(run_id_);
    throw;
  }
  std::optional<boost::json::value> answer;
  {
    std::lock_guard lock(mutex_);
    answer = std::move(pending_->answer);
    pending_.reset();
  }
  waits_.end_input_wait(run_id_);
  if (!answered || !answer)
    throw agenthost::InputAbandoned("the run was stopped while it waited for its user's answer");
  emitter->emit_host("input_received",
                     boost::json::object{{"question_id", question_id}, {"input", *answer}});
  waits_.record_question(run_id_, std::nullopt);
  return std::move(*answer);
}

RunInput::OfferResult RunInput::offer(boost::json::value answer) {
  std::function<void()> wake;
  {
    std::lock_guard lock(mutex_);
    if (!pending_ || pending_->answer) return {Offer::not_waiting, {}};
    if (auto error = pending_->schema->validate(answer))
      return {Offer::invalid, "input does not fit the question's schema: " + error->describe()};
    pending_->answer = std::move(answer);
    wake = std::exchange(pending_->wake, nullptr);
  }
  if (wake) wake();
  return {Offer::accepted, {}};
}

void RunInput::checkpoint(const boost::json::value& state) {
  waits_.record_checkpoint(run_id_, state);
  std::lock_guard lock(mutex_);
  checkpoint_ = state;
}

std::optional<boost::json::value> RunInput::last_checkpoint() const {
  std::lock_guard lock(mutex_);
  return checkpoint_;
}

}  // namespace agenthost::execution
