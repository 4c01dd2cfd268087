#include "worker/remote_user_input.hpp"

#include "ipc/run_messages.hpp"

namespace agenthost::worker {

boost::json::value RemoteUserInput::ask(std::string_view prompt, const boost::json::object& schema,
                                        const std::stop_token&) {
  return calls_.call(ipc::op::ask, boost::json::object{{"prompt", prompt}, {"schema", schema}});
}

void RemoteUserInput::checkpoint(const boost::json::value& state) {
  calls_.call(ipc::op::checkpoint, boost::json::object{{"state", state}});
  std::lock_guard lock(mutex_);
  checkpoint_ = state;
}

std::optional<boost::json::value> RemoteUserInput::last_checkpoint() const {
  std::lock_guard lock(mutex_);
  return checkpoint_;
}

}  // namespace agenthost::worker
