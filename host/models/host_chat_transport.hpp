#pragma once
/// \file
/// HostChatTransport: a run's ChatTransport in the host: the request goes through
/// ModelEndpoints while the run's fiber is suspended (FiberWaiter::await); a stop of
/// the run aborts the call, which closes its connection at once.

#include "fiber/fiber_waiter.hpp"
#include "models/chat_transport.hpp"

namespace agenthost::models {

class ModelEndpoints;

class HostChatTransport final : public ChatTransport {
 public:
  /// `endpoints` null: no endpoint is configured. Both must outlive the transport.
  HostChatTransport(ModelEndpoints* endpoints, fiber::FiberWaiter& waiter)
      : endpoints_(endpoints), waiter_(waiter) {}

  std::optional<std::string> model_of(std::string_view endpoint) const override;
  Completion complete(std::string_view endpoint, const boost::json::object& body,
                      const TextSink& on_text, const std::stop_token& stop) override;

 private:
  ModelEndpoints* const endpoints_;
  fiber::FiberWaiter& waiter_;
};

}  // namespace agenthost::models
