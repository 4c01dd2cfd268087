#include "agenthost/testing/scripted_models.hpp"

#include <boost/json/serialize.hpp>

#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <utility>

#include "access.hpp"
#include "models/chat_transport.hpp"
#include "text/utf8.hpp"

namespace agenthost::testing {

namespace {

struct Reply {
  models::Completion completion;
  std::size_t piece_size = 8;
  std::optional<agenthost::ModelError> failure;
};

}  // namespace

struct ScriptedModels::Impl final : models::ChatTransport {
  mutable std::mutex mutex;
  std::map<std::string, std::string, std::less<>> models;  // endpoint -> model
  std::map<std::string, std::deque<Reply>, std::less<>> replies;
  std::string current;  // the endpoint later replies go to
  std::optional<agenthost::TokenUsage> usage;
  std::vector<boost::json::object> requests;

  std::deque<Reply>& queue() {
    if (current.empty())
      throw std::logic_error("ScriptedModels: declare an endpoint (endpoint(\"default\")) first");
    return replies[current];
  }

  std::optional<std::string> model_of(std::string_view endpoint) const override {
    std::lock_guard lock(mutex);
    const auto it = models.find(endpoint);
    if (it == models.end()) return std::nullopt;
    return it->second;
  }

  models::Completion complete(std::string_view endpoint, const boost::json::object& body,
                              const models::TextSink& on_text,
                              const std::stop_token& stop) override {
    Reply reply;
    {
      std::lock_guard lock(mutex);
      requests.push_back(body);
      auto& queue = replies[std::string(endpoint)];
      if (queue.empty())
        throw agenthost::ModelError(agenthost::ModelError::Kind::upstream,
                                    "ScriptedModels: no scripted reply left for endpoint \"" +
                                        std::string(endpoint) + "\"");
      reply = std::move(queue.front());
      queue.pop_front();
    }
    if (stop.stop_requested())
      throw agenthost::ModelError(agenthost::ModelError::Kind::stopped, "the run was stopped");
    if (reply.failure) throw *reply.failure;
    std::string_view rest = reply.completion.text;
    while (!rest.empty() && on_text) {
      auto piece = text::utf8_prefix(rest, reply.piece_size);
      if (piece.empty()) piece = rest.substr(0, reply.piece_size);
      on_text(piece);
      rest.remove_prefix(piece.size());
    }
    return reply.completion;
  }
};

ScriptedModels::ScriptedModels() : impl_(std::make_shared<Impl>()) {}
ScriptedModels::~ScriptedModels() = default;

ScriptedModels& ScriptedModels::endpoint(std::string name, std::string model) {
  std::lock_guard lock(impl_->mutex);
  impl_->models[name] = std::move(model);
  impl_->current = std::move(name);
  return *this;
}

ScriptedModels& ScriptedModels::reply(std::string text, std::size_t piece_size) {
  std::lock_guard lock(impl_->mutex);
  Reply r;
  r.completion.text = std::move(text);
  r.completion.finish_reason = "stop";
  r.completion.usage = impl_->usage;
  r.piece_size = std::max<std::size_t>(piece_size, 1);
  impl_->queue().push_back(std::move(r));
  return *this;
}

ScriptedModels& ScriptedModels::reply_tool_call(const std::string& tool,
                                                boost::json::value arguments) {
  return reply_tool_calls({{tool, std::move(arguments)}});
}

ScriptedModels& ScriptedModels::reply_tool_calls(
    std::vector<std::pair<std::string, boost::json::value>> calls) {
  std::lock_guard lock(impl_->mutex);
  Reply r;
  r.completion.finish_reason = "tool_calls";
  r.completion.usage = impl_->usage;
  int i = 0;
  for (auto& [tool, arguments] : calls) {
    // The function name the gateway offers for a tool: [A-Za-z0-9_-] ('.' -> '_').
    std::string function;
    for (char c : tool) function += (c == '.') ? '_' : c;
    r.completion.tool_calls.push_back(boost::json::object{
        {"id", "call_" + std::to_string(i++)},
        {"type", "function"},
        {"function", {{"name", function}, {"arguments", boost::json::serialize(arguments)}}}});
  }
  impl_->queue().push_back(std::move(r));
  return *this;
}

ScriptedModels& ScriptedModels::fail(agenthost::ModelError::Kind kind, std::string message) {
  std::lock_guard lock(impl_->mutex);
  Reply r;
  r.failure.emplace(kind, message);
  impl_->queue().push_back(std::move(r));
  return *this;
}

ScriptedModels& ScriptedModels::usage(std::uint64_t prompt_tokens,
                                      std::uint64_t completion_tokens) {
  std::lock_guard lock(impl_->mutex);
  impl_->usage = agenthost::TokenUsage{prompt_tokens, completion_tokens, false};
  return *this;
}

std::vector<boost::json::object> ScriptedModels::requests() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->requests;
}

std::size_t ScriptedModels::pending() const {
  std::lock_guard lock(impl_->mutex);
  std::size_t n = 0;
  for (const auto& [name, queue] : impl_->replies) n += queue.size();
  return n;
}

std::shared_ptr<models::ChatTransport> detail::Access::transport(const ScriptedModels& models) {
  return models.impl_;
}

}  // namespace agenthost::testing
