#include "worker/remote_model_gateway.hpp"

#include "ipc/run_messages.hpp"

namespace agenthost::worker {

agenthost::ChatResult RemoteModelGateway::chat(const agenthost::ChatRequest& request) {
  const auto value = calls_.call(ipc::op::model,
                                 boost::json::object{{"request", ipc::chat_request_body(request)}});
  if (!value.is_object()) throw ipc::FrameError("model reply: the value is not an object");
  return ipc::chat_result(value.get_object());
}

}  // namespace agenthost::worker
