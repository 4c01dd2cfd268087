#pragma once
/// \file
/// RemoteUserInput: the UserInput of a run in a worker process. Questions and
/// checkpoints go to the supervisor, whose RunInput for the run emits the events,
/// waits for the user's answer (the worker's fiber waits suspended for the reply)
/// and stores the checkpoint.

#include <mutex>
#include <optional>

#include "agenthost/user_input.hpp"
#include "worker/supervisor_calls.hpp"

namespace agenthost::worker {

class RemoteUserInput final : public agenthost::UserInput {
 public:
  /// `checkpoint`: the run's latest one when it was started (a resumed run's).
  RemoteUserInput(SupervisorCalls& calls, std::optional<boost::json::value> checkpoint)
      : calls_(calls), checkpoint_(std::move(checkpoint)) {}

  /// The supervisor's run stop token decides when waiting is over; `stop` (the same
  /// run's, in this process) is not needed here.
  boost::json::value ask(std::string_view prompt, const boost::json::object& schema,
                         const std::stop_token& stop) override;
  void checkpoint(const boost::json::value& state) override;
  std::optional<boost::json::value> last_checkpoint() const override;

 private:
  SupervisorCalls& calls_;
  mutable std::mutex mutex_;
  std::optional<boost::json::value> checkpoint_;  // guarded by mutex_
};

}  // namespace agenthost::worker
