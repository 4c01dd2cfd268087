#include "models/run_model_gateway.hpp"

#include <boost/json/serialize.hpp>

#include <algorithm>
#include <cctype>
#include <utility>
#include <variant>

#include "json/parse.hpp"
#include "models/delta_coalescer.hpp"

namespace agenthost::models {
namespace {

using agenthost::ModelError;

// OpenAI function names are [A-Za-z0-9_-]{1,64}; tool names may hold '.'.
std::string function_name_for(std::string_view tool,
                              const std::map<std::string, std::string>& taken) {
  std::string name;
  for (char c : tool)
    name += (std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-') ? c : '_';
  name = name.substr(0, 60);
  std::string unique = name;
  for (int n = 2; taken.count(unique); ++n) unique = name + "_" + std::to_string(n);
  return unique;
}

// About four characters a token: what the host counts when a stream reports no usage.
std::uint64_t estimate_tokens(std::size_t chars) { return chars / 4 + 1; }

boost::json::object usage_json(const agenthost::TokenUsage& usage) {
  return {{"prompt_tokens", usage.prompt_tokens},
          {"completion_tokens", usage.completion_tokens},
          {"estimated", usage.estimated}};
}

boost::json::object build_body(const std::string& model, const agenthost::ChatRequest& request,
                               const boost::json::array& messages,
                               const boost::json::array& tools) {
  boost::json::object body{{"model", model},
                           {"messages", messages},
                           {"stream", true},
                           {"stream_options", {{"include_usage", true}}}};
  if (!tools.empty()) body["tools"] = tools;
  if (request.temperature) body["temperature"] = *request.temperature;
  if (request.max_tokens) body["max_tokens"] = *request.max_tokens;
  if (!request.response_format.empty()) body["response_format"] = request.response_format;
  return body;
}

}  // namespace

RunModelGateway::RunModelGateway(ChatTransport& transport,
                                 const agenthost::ExecutionContext& context,
                                 const registry::AgentClassRegistry& registry,
                                 agenthost::ToolDispatcher& tools, HostEventSink emit,
                                 UsageMeter* meter)
    : transport_(transport),
      context_(context),
      registry_(registry),
      tools_(tools),
      emit_(std::move(emit)),
      meter_(meter) {}

boost::json::array RunModelGateway::offered_tools(
    const agenthost::ChatRequest& request,
    std::map<std::string, std::string>& function_to_tool) const {
  std::vector<const registry::ToolEntry*> entries;
  for (const auto& name : request.tools) {
    if (name == agenthost::kAllTools) {
      for (const auto* tool : registry_.tools()) entries.push_back(tool);
      continue;
    }
    const auto* tool = registry_.find_tool(name);
    if (!tool)
      throw agenthost::ToolError("ChatRequest.tools names \"" + name +
                                 "\", which no plugin registered");
    entries.push_back(tool);
  }
  boost::json::array functions;
  for (const auto* tool : entries) {
    bool offered = false;
    for (const auto& [function, name] : function_to_tool)
      offered = offered || name == tool->info.name;
    if (offered) continue;
    const auto function = function_name_for(tool->info.name, function_to_tool);
    function_to_tool[function] = tool->info.name;
    boost::json::object parameters = tool->info.input_schema;
    if (parameters.empty()) parameters = {{"type", "object"}};
    functions.push_back(boost::json::object{{"type", "function"},
                                            {"function",
                                             {{"name", function},
                                              {"description", tool->info.description},
                                              {"parameters", parameters}}}});
  }
  return functions;
}

void RunModelGateway::run_tool_calls(const boost::json::array& calls,
                                     const std::map<std::string, std::string>& function_to_tool,
                                     boost::json::array& messages) {
  for (const auto& item : calls) {
    const auto& call = item.as_object();
    const auto& function = call.at("function").as_object();
    const std::string function_name(function.at("name").as_string());
    const auto id = call.if_contains("id") ? call.at("id") : boost::json::value("");
    boost::json::value result;
    const auto tool = function_to_tool.find(function_name);
    auto arguments = json::parse(function.at("arguments").as_string());
    if (tool == function_to_tool.end()) {
      result = {
          {"error", "there is no tool \"" + function_name + "\"; call one of the tools offered"}};
    } else if (auto* error = std::get_if<json::ParseError>(&arguments)) {
      result = {{"error", "the arguments are not JSON: " + error->describe()}};
    } else {
      try {
        result = tools_.call(tool->second, std::get<boost::json::value>(arguments));
      } catch (const agenthost::ToolError& e) {
        // The model reads the failure and may try again; the run goes on.
        result = {{"error", e.what()}};
      }
    }
    messages.push_back(boost::json::object{
        {"role", "tool"}, {"tool_call_id", id}, {"content", boost::json::serialize(result)}});
  }
}

agenthost::ChatResult RunModelGateway::chat(const agenthost::ChatRequest& request) {
  const std::string endpoint =
      request.endpoint.empty() ? std::string(kDefaultEndpoint) : request.endpoint;
  const auto model = transport_.model_of(endpoint);
  if (!model)
    throw ModelError(ModelError::Kind::not_configured,
                     "no model endpoint named \"" + endpoint + "\" is configured: add models." +
                         endpoint +
                         " (base_url, api_key, model) to the host's configuration (see "
                         "docs/configuration.md, section models)");
  std::map<std::string, std::string> function_to_tool;
  const auto functions = offered_tools(request, function_to_tool);

  agenthost::ChatResult result;
  result.messages = request.messages;
  std::optional<DeltaCoalescer> coalescer;
  if (request.stream_to_user)
    coalescer.emplace([this](std::string text) {
      emit_("model_delta", boost::json::object{{"text", std::move(text)}});
    });
  const TextSink on_text = [&](std::string_view text) {
    if (coalescer) coalescer->add(text);
  };
  for (std::uint32_t step = 0; step < std::max<std::uint32_t>(request.max_steps, 1); ++step) {
    if (context_.stop_requested())
      throw ModelError(ModelError::Kind::stopped, "the run was stopped before the model call");
    const auto body = build_body(*model, request, result.messages, functions);
    if (meter_)  // the prompt, and the answer's limit when one is set
      meter_->check(endpoint, estimate_tokens(boost::json::serialize(body).size()) +
                                  request.max_tokens.value_or(0));
    auto completion = transport_.complete(endpoint, body, on_text, context_.stop_token());
    if (coalescer) coalescer->flush();
    ++result.model_calls;
    auto usage = completion.usage.value_or(
        agenthost::TokenUsage{estimate_tokens(boost::json::serialize(result.messages).size()),
                              estimate_tokens(completion.text.size() +
                                              boost::json::serialize(completion.tool_calls).size()),
                              true});
    if (meter_) meter_->record(endpoint, usage);
    result.usage.prompt_tokens += usage.prompt_tokens;
    result.usage.completion_tokens += usage.completion_tokens;
    result.usage.estimated = result.usage.estimated || usage.estimated;
    result.text += completion.text;
    result.finish_reason = completion.finish_reason;

    boost::json::object turn{{"role", "assistant"}};
    turn["content"] = completion.text.empty() && !completion.tool_calls.empty()
                          ? boost::json::value(nullptr)
                          : boost::json::value(completion.text);
    if (completion.tool_calls.empty()) {
      result.messages.push_back(std::move(turn));
      emit_("model_completed", boost::json::object{{"endpoint", endpoint},
                                                   {"model", *model},
                                                   {"finish_reason", result.finish_reason},
                                                   {"model_calls", result.model_calls},
                                                   {"usage", usage_json(result.usage)}});
      return result;
    }
    turn["tool_calls"] = completion.tool_calls;
    result.messages.push_back(std::move(turn));
    run_tool_calls(completion.tool_calls, function_to_tool, result.messages);
  }
  throw ModelError(
      ModelError::Kind::step_limit,
      "the model was still calling tools after " + std::to_string(result.model_calls) +
          " model calls (ChatRequest.max_steps); raise max_steps or offer fewer tools");
}

}  // namespace agenthost::models
