#pragma once
/// \file
/// RemoteModelGateway: the ModelGateway of a run in a worker process. The model
/// gateway lives in the supervisor, where the endpoints' connections, the usage
/// ledger, the budgets and the model metrics are (one place meters every user); a
/// chat() is one call to it. When the model calls tools, the supervisor calls them
/// back here (the tools are plugin code), while this run's fiber waits for the
/// answer (worker_run.cpp serves those calls).

#include "agenthost/model_gateway.hpp"
#include "worker/supervisor_calls.hpp"

namespace agenthost::worker {

class RemoteModelGateway final : public agenthost::ModelGateway {
 public:
  explicit RemoteModelGateway(SupervisorCalls& calls) noexcept : calls_(calls) {}
  agenthost::ChatResult chat(const agenthost::ChatRequest& request) override;

 private:
  SupervisorCalls& calls_;
};

}  // namespace agenthost::worker
