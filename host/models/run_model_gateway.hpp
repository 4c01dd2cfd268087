#pragma once
/// \file
/// RunModelGateway: the ModelGateway injected into one run (Agent::models()). Builds
/// each chat-completions request (the endpoint's model, the offered tools as OpenAI
/// functions), streams the answer's text to the run's user as model_delta events
/// (coalesced, DeltaCoalescer), runs the tools loop through the run's ToolDispatcher,
/// meters the tokens and ends each chat() with one model_completed event. The same
/// class serves the host (HTTP transport) and the SDK's harness (scripted transport).

#include <functional>
#include <map>
#include <string>
#include <string_view>

#include "agenthost/execution_context.hpp"
#include "agenthost/model_gateway.hpp"
#include "agenthost/tool_dispatcher.hpp"
#include "models/chat_transport.hpp"
#include "models/usage_meter.hpp"
#include "registry/agent_class_registry.hpp"

namespace agenthost::models {

/// Emits a host event of the run (the emitter's emit_host).
using HostEventSink = std::function<void(std::string_view type, boost::json::object payload)>;

/// The first model endpoint a run uses when it names none.
inline constexpr std::string_view kDefaultEndpoint = "default";

class RunModelGateway final : public agenthost::ModelGateway {
 public:
  /// Everything passed must outlive the gateway; `meter` may be null (nothing checked
  /// or recorded).
  RunModelGateway(ChatTransport& transport, const agenthost::ExecutionContext& context,
                  const registry::AgentClassRegistry& registry, agenthost::ToolDispatcher& tools,
                  HostEventSink emit, UsageMeter* meter = nullptr);

  agenthost::ChatResult chat(const agenthost::ChatRequest& request) override;

 private:
  /// The request's tools as OpenAI functions; fills `function_to_tool`.
  boost::json::array offered_tools(const agenthost::ChatRequest& request,
                                   std::map<std::string, std::string>& function_to_tool) const;
  /// Calls every tool of `calls` and appends their results to `messages`.
  void run_tool_calls(const boost::json::array& calls,
                      const std::map<std::string, std::string>& function_to_tool,
                      boost::json::array& messages);

  ChatTransport& transport_;
  const agenthost::ExecutionContext& context_;
  const registry::AgentClassRegistry& registry_;
  agenthost::ToolDispatcher& tools_;
  HostEventSink emit_;
  UsageMeter* meter_;
};

}  // namespace agenthost::models
