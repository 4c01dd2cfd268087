// ExecutionEngine: runs that wait for their user's answer (ExecutionContext::ask).
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <stdexcept>

#include <boost/json/serialize.hpp>

#include "database/database_error.hpp"
#include "database/run_record.hpp"
#include "execution/execution_engine.hpp"

namespace agenthost::execution {

std::shared_ptr<RunEntry> ExecutionEngine::running_entry(const std::string& run_id) const {
  std::lock_guard lock(mutex_);
  return runs_.at(run_id);  // the caller is the run's own fiber: the run is in runs_
}

void ExecutionEngine::begin_input_wait(const std::string& run_id) {
  auto run = running_entry(run_id);
  EntryList startable;  // the slot the run gives back may let another run start
  {
    std::lock_guard lock(mutex_);
    auto& user = users_.at(run->user_id());
    const auto cap = run->context.limits().max_waiting_runs;
    if (!user.begin_waiting(cap))
      throw std::runtime_error(
          fmt::format("the user already has {} runs waiting for input, the limit "
                      "(limits.max_waiting_runs_per_user); answer or cancel one of them first",
                      user.waiting()));
    run->holds_waiting_slot = true;
    --active_runs_;
    ++waiting_input_runs_;
    rotate_in_locked(user);
    startable = take_startable_locked();
    run_gone_.notify_all();  // a shutdown's drain does not wait for waiting runs
  }
  start(startable);
  // Waiting time is not working time: the run's deadline is put off until it resumes.
  const auto now = std::chrono::steady_clock::now();
  timer_.cancel(run->run_timer);
  run->left_when_waiting = std::max(run->deadline - now, std::chrono::steady_clock::duration{0});
  run->input_timer = timer_.schedule(now + run->context.limits().input_timeout, run->control,
                                     events::DeathCause::input_timeout);
}

void ExecutionEngine::end_input_wait(const std::string& run_id) {
  auto run = running_entry(run_id);
  timer_.cancel(run->input_timer);
  run->deadline = std::chrono::steady_clock::now() + run->left_when_waiting;
  run->run_timer = timer_.schedule(run->deadline, run->control);
  std::lock_guard lock(mutex_);
  if (!run->holds_waiting_slot) return;
  run->holds_waiting_slot = false;
  users_.at(run->user_id()).end_waiting();
  --waiting_input_runs_;
  ++active_runs_;
}

void ExecutionEngine::record_question(const std::string& run_id,
                                      const std::optional<boost::json::object>& question) {
  // Through the event log, behind the run's events: the question (input_required) is
  // stored no later than the status that says the run waits.
  auto run = running_entry(run_id);
  auto write = question ? database::RunWrite::waiting(run_id, boost::json::serialize(*question))
                        : database::RunWrite::answered(run_id);
  if (auto result = write_run(*run, std::move(write)); !result.error.empty())
    throw database::DatabaseError(result.error);
}

void ExecutionEngine::record_checkpoint(const std::string& run_id,
                                        const boost::json::value& state) {
  // Behind the events the run emitted before it, in the same commit or a later one.
  auto run = running_entry(run_id);
  auto result =
      write_run(*run, database::RunWrite::checkpoint(run_id, boost::json::serialize(state)));
  if (!result.error.empty()) throw database::DatabaseError(result.error);
}

AnswerResult ExecutionEngine::answer(std::string_view user_id, std::string_view run_id,
                                     boost::json::value input) {
  std::shared_ptr<RunEntry> run;
  {
    std::lock_guard lock(mutex_);
    if (auto it = runs_.find(std::string(run_id)); it != runs_.end()) run = it->second;
  }
  if (run && run->user_id() != user_id) return {AnswerResult::Outcome::not_found, {}};
  if (run) {
    auto offered = run->user_input->offer(std::move(input));
    switch (offered.outcome) {
      case RunInput::Offer::accepted:
        spdlog::info("[{}] answer received", run->context.correlation_id());
        return {AnswerResult::Outcome::accepted, {}};
      case RunInput::Offer::invalid:
        return {AnswerResult::Outcome::invalid, std::move(offered.message)};
      case RunInput::Offer::not_waiting:
        return {AnswerResult::Outcome::not_waiting,
                fmt::format("run \"{}\" is not waiting for input (it is working); answer it "
                            "after its next input_required event",
                            run_id)};
    }
  }
  // Not in memory: finished, or unknown; asked without the engine's lock (I/O).
  auto stored = runs_store_.find_run(std::string(run_id), std::string(user_id));
  if (!stored) return {AnswerResult::Outcome::not_found, {}};
  return {AnswerResult::Outcome::not_waiting,
          fmt::format("run \"{}\" is {}, not waiting for input", run_id, stored->status)};
}

}  // namespace agenthost::execution
