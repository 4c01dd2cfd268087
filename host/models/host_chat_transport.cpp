#include "models/host_chat_transport.hpp"

#include <boost/json/serialize.hpp>

#include <exception>
#include <optional>

#include "models/model_endpoints.hpp"

namespace agenthost::models {

std::optional<std::string> HostChatTransport::model_of(std::string_view endpoint) const {
  return endpoints_ ? endpoints_->model_of(endpoint) : std::nullopt;
}

Completion HostChatTransport::complete(std::string_view endpoint, const boost::json::object& body,
                                       const TextSink& on_text, const std::stop_token& stop) {
  using agenthost::ModelError;
  if (!endpoints_ || !endpoints_->model_of(endpoint))
    throw ModelError(ModelError::Kind::not_configured,
                     "no model endpoint named \"" + std::string(endpoint) + "\" is configured");
  if (stop.stop_requested())
    throw ModelError(ModelError::Kind::stopped, "the run was stopped before the model call");
  Completion completion;
  std::exception_ptr error;
  std::shared_ptr<ModelCall> call;
  // The call ends (done) before await returns, so what it refers to here lives long
  // enough; a stop aborts it and await waits for that end too.
  waiter_.await(
      [&](std::function<void()> wake) {
        call = endpoints_->start(
            endpoint, waiter_.user_id(), boost::json::serialize(body), on_text,
            [&completion, &error, wake = std::move(wake)](Completion c, std::exception_ptr e) {
              completion = std::move(c);
              error = std::move(e);
              wake();
            });
      },
      [&] {
        call->abort();
        return false;
      },
      stop);
  if (error) std::rethrow_exception(error);
  return completion;
}

}  // namespace agenthost::models
