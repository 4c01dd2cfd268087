#pragma once
// TestUserInput: the harness's agenthost::UserInput. ask() records input_required,
// checks the schema as the host does (the host's schema component), and takes the
// next answer of the run's queue (filled by AgentHarness::answer before the run, or
// by RunningAgent::answer while it waits); with none queued it waits for one, or for
// the run's stop (InputAbandoned). Checkpoints are kept in memory.

#include <boost/json/value.hpp>

#include <condition_variable>
#include <deque>
#include <mutex>
#include <optional>
#include <vector>

#include "agenthost/testing/recording_emitter.hpp"
#include "agenthost/user_input.hpp"

namespace agenthost::testing {

class TestUserInput final : public agenthost::UserInput {
 public:
  TestUserInput(std::deque<boost::json::value> answers,
                std::optional<boost::json::value> checkpoint);

  /// The emitter of the run (set once, before the run starts).
  void bind(RecordingEmitter& emitter) noexcept { emitter_ = &emitter; }
  /// Queues an answer (any thread); a waiting ask() takes it at once.
  void answer(boost::json::value answer);

  boost::json::value ask(std::string_view prompt, const boost::json::object& schema,
                         const std::stop_token& stop) override;
  void checkpoint(const boost::json::value& state) override;
  std::optional<boost::json::value> last_checkpoint() const override;
  /// Every checkpoint saved by the run, oldest first.
  std::vector<boost::json::value> checkpoints() const;

 private:
  RecordingEmitter* emitter_ = nullptr;
  mutable std::mutex mutex_;
  std::condition_variable_any changed_;
  std::deque<boost::json::value> answers_;
  std::optional<boost::json::value> resumed_from_;
  std::vector<boost::json::value> checkpoints_;
  std::uint64_t questions_ = 0;
};

}  // namespace agenthost::testing
