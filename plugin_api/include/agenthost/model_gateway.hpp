#pragma once
/// \file
/// ModelGateway: language models as a service the host injects into every run
/// (Agent::models()). One call asks a named endpoint of the host's configuration
/// (section `models`; the one named "default" when the request names none) for an
/// OpenAI-compatible chat completion, streams the answer's text to the run's user as
/// `model_delta` events while it is generated, runs the tool-calling loop through the
/// run's ToolDispatcher, and meters the tokens. The run is suspended while it waits
/// (no thread held); a cancel, timeout or shutdown closes the HTTP connection at once.
///
///     agenthost::ChatRequest request;
///     request.messages = {agenthost::chat_message("user", "Why is the sky blue?")};
///     const auto answer = models().chat(request);  // answer.text, answer.usage
///
/// See docs/plugin-guide.md, "Calling models".

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace agenthost {

/// ChatRequest::tools entry that offers every tool registered in the host.
inline constexpr std::string_view kAllTools = "*";

struct ChatRequest {
  /// A name under `models:` in the host's configuration; empty: "default".
  std::string endpoint;
  /// The conversation, in OpenAI's chat format: objects with "role" ("system",
  /// "user", "assistant", "tool") and "content" (see chat_message()).
  boost::json::array messages;
  /// Registered tools offered to the model, by name ("*": all of them). When the model
  /// calls tools, each call goes through the run's ToolDispatcher (the user sees
  /// tool_executing / tool_completed), its result is added to the conversation and
  /// the model is asked again, until it answers or max_steps model calls were made.
  std::vector<std::string> tools;
  std::optional<double> temperature;
  std::optional<std::uint32_t> max_tokens;
  /// OpenAI's response_format, e.g. {"type": "json_schema", "json_schema": {...}};
  /// empty: none sent.
  boost::json::object response_format;
  /// Model calls the tools loop may make before it gives up (ModelError step_limit).
  std::uint32_t max_steps = 8;
  /// Stream the answer's text to the user as model_delta events (and end each model
  /// call with a model_completed event). False: only model_completed.
  bool stream_to_user = true;
};

/// Tokens of one call, from the provider's `usage`; `estimated` when the provider
/// sent none and the host counted about four characters a token.
struct TokenUsage {
  std::uint64_t prompt_tokens = 0;
  std::uint64_t completion_tokens = 0;
  bool estimated = false;
};

struct ChatResult {
  std::string text;           ///< the model's final answer (all model_delta texts, in order)
  std::string finish_reason;  ///< the provider's: "stop", "length", ...
  TokenUsage usage;           ///< summed over every model call of the request
  std::uint32_t model_calls = 0;
  /// The conversation as it ended: the request's messages, then every assistant turn
  /// (with its tool_calls) and tool result, then the final answer.
  boost::json::array messages;
};

/// Why a chat call failed. The message says what to do (which key to configure,
/// when a budget resets, what the endpoint answered).
class ModelError : public std::runtime_error {
 public:
  enum class Kind {
    not_configured,   ///< no endpoint of that name in the host's configuration
    budget_exceeded,  ///< the user's token budget would be crossed
    timeout,          ///< no first byte, or no end, within the endpoint's timeouts
    upstream,         ///< the endpoint failed (after the retries the host allows)
    bad_response,     ///< the endpoint's answer was not a valid chat completion
    step_limit,       ///< the tools loop reached max_steps
    stopped,          ///< the run was cancelled, timed out or shut down meanwhile
  };
  ModelError(Kind kind, const std::string& message) : std::runtime_error(message), kind_(kind) {}
  Kind kind() const noexcept { return kind_; }

 private:
  Kind kind_;
};

class ModelGateway {
 public:
  virtual ~ModelGateway() = default;

  /// Asks the model and returns its answer (see ChatRequest). Suspends the run while
  /// it waits. Throws ModelError (see Kind); ToolError is not thrown: a failing tool's
  /// message goes back to the model as that call's result. RunEnded after the run.
  virtual ChatResult chat(const ChatRequest& request) = 0;

 protected:
  ModelGateway() = default;
  ModelGateway(const ModelGateway&) = delete;
  ModelGateway& operator=(const ModelGateway&) = delete;
};

/// {"role": role, "content": content}.
inline boost::json::object chat_message(std::string_view role, std::string_view content) {
  return boost::json::object{{"role", role}, {"content", content}};
}

}  // namespace agenthost
