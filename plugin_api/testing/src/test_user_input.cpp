#include "test_user_input.hpp"

#include <stdexcept>
#include <string>
#include <utility>

#include "schema/compiled_schema.hpp"

namespace agenthost::testing {

TestUserInput::TestUserInput(std::deque<boost::json::value> answers,
                             std::optional<boost::json::value> checkpoint)
    : answers_(std::move(answers)), resumed_from_(std::move(checkpoint)) {}

void TestUserInput::answer(boost::json::value answer) {
  {
    std::lock_guard lock(mutex_);
    answers_.push_back(std::move(answer));
  }
  changed_.notify_all();
}

boost::json::value TestUserInput::ask(std::string_view prompt, const boost::json::object& schema,
                                      const std::stop_token& stop) {
  if (stop.stop_requested())
    throw agenthost::InputAbandoned("the run was stopped before it could ask its user");
  auto compiled = schema::compile(schema);  // refuses what the host refuses
  std::string question_id;
  {
    std::lock_guard lock(mutex_);
    question_id = "question-" + std::to_string(++questions_);
  }
  emitter_->emit_host(
      "input_required",
      boost::json::object{{"question_id", question_id}, {"prompt", prompt}, {"schema", schema}});
  boost::json::value answer;
  {
    std::unique_lock lock(mutex_);
    if (!changed_.wait(lock, stop, [&] { return !answers_.empty(); }))
      throw agenthost::InputAbandoned("the run was stopped while it waited for its user's answer");
    answer = std::move(answers_.front());
    answers_.pop_front();
  }
  // The host would refuse such an answer and keep the run waiting: in a test, a
  // mistake of the test itself.
  if (auto error = compiled->validate(answer))
    throw std::logic_error("the harness's answer to question " + question_id +
                           " does not fit its schema: " + error->describe());
  emitter_->emit_host("input_received",
                      boost::json::object{{"question_id", question_id}, {"input", answer}});
  return answer;
}

void TestUserInput::checkpoint(const boost::json::value& state) {
  std::lock_guard lock(mutex_);
  checkpoints_.push_back(state);
}

std::optional<boost::json::value> TestUserInput::last_checkpoint() const {
  std::lock_guard lock(mutex_);
  if (!checkpoints_.empty()) return checkpoints_.back();
  return resumed_from_;
}

std::vector<boost::json::value> TestUserInput::checkpoints() const {
  std::lock_guard lock(mutex_);
  return checkpoints_;
}

}  // namespace agenthost::testing
