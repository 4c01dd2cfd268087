#pragma once
/// \file
/// ChatTransport: how one chat-completions request reaches an endpoint. The run's
/// model gateway (RunModelGateway) builds the requests and runs the tools loop; the
/// transport only carries one request and assembles its answer. The host's is HTTP(S)
/// through ModelEndpoints (suspending the run); the SDK's harness has a scripted one.

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include <functional>
#include <optional>
#include <stop_token>
#include <string>
#include <string_view>

#include "agenthost/model_gateway.hpp"

namespace agenthost::models {

/// One model answer, assembled from its stream.
struct Completion {
  std::string text;               ///< the content, all deltas in order
  boost::json::array tool_calls;  ///< OpenAI's tool_calls ({id, type, function{name, arguments}})
  std::string finish_reason;
  std::optional<agenthost::TokenUsage> usage;  ///< what the endpoint reported, if anything
};

/// Receives each piece of answer text as it arrives (from the transport's thread,
/// one call at a time, never after complete() returned).
using TextSink = std::function<void(std::string_view text)>;

class ChatTransport {
 public:
  virtual ~ChatTransport() = default;

  /// The model name configured for `endpoint`; nullopt when there is no such endpoint.
  virtual std::optional<std::string> model_of(std::string_view endpoint) const = 0;

  /// Sends `body` (a chat-completions request, "stream": true) to `endpoint` and
  /// returns the assembled answer. Waits (suspending the run in the host) and stops at
  /// once when `stop` is requested. Throws agenthost::ModelError.
  virtual Completion complete(std::string_view endpoint, const boost::json::object& body,
                              const TextSink& on_text, const std::stop_token& stop) = 0;

 protected:
  ChatTransport() = default;
  ChatTransport(const ChatTransport&) = delete;
  ChatTransport& operator=(const ChatTransport&) = delete;
};

}  // namespace agenthost::models
