#pragma once
/// \file
/// ScriptedModels: the model endpoints of an AgentHarness's runs, answering from a
/// script instead of a provider, so that an agent calling models() can be tested
/// offline and deterministically. The run's ModelGateway is the host's own (requests,
/// streamed model_delta events, the tools loop through the run's ToolDispatcher,
/// model_completed); only the transport is scripted.
///
///     harness.models().endpoint("default")
///         .reply_tool_call("clock.now", {{"zone", "UTC"}})
///         .reply("It is noon.");
///     auto result = harness.run("assistant", {{"text", "What time is it?"}});
///     CHECK(result.events_of_type("model_delta").size() > 0);
///
/// As in the host, an endpoint not declared is not configured: a chat() naming it
/// fails with ModelError not_configured.

#include <agenthost/model_gateway.hpp>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

namespace agenthost::testing {

namespace detail {
struct Access;
}

class ScriptedModels {
 public:
  ScriptedModels();
  ~ScriptedModels();
  ScriptedModels(const ScriptedModels&) = delete;
  ScriptedModels& operator=(const ScriptedModels&) = delete;

  /// Declares endpoint `name` with model `model`; later replies go to it.
  ScriptedModels& endpoint(std::string name, std::string model = "scripted-model");
  /// Queues a text answer, streamed in pieces of `piece_size` bytes (so the
  /// run sees model_delta events as it would with a real endpoint).
  ScriptedModels& reply(std::string text, std::size_t piece_size = 8);
  /// Queues an answer calling tool `tool` (its registered name) with `arguments`.
  /// Several in a row form one answer with several calls: see reply_tool_calls.
  ScriptedModels& reply_tool_call(const std::string& tool, boost::json::value arguments);
  /// Queues one answer calling every tool of `calls` ({name, arguments} pairs).
  ScriptedModels& reply_tool_calls(std::vector<std::pair<std::string, boost::json::value>> calls);
  /// Queues a failure of the call.
  ScriptedModels& fail(agenthost::ModelError::Kind kind, std::string message);
  /// Usage reported with the next replies (none: the host estimates, marked so).
  ScriptedModels& usage(std::uint64_t prompt_tokens, std::uint64_t completion_tokens);

  /// The chat-completions bodies sent so far, in order (all endpoints).
  std::vector<boost::json::object> requests() const;
  /// Replies queued and not yet used.
  std::size_t pending() const;

 private:
  friend struct detail::Access;
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace agenthost::testing
