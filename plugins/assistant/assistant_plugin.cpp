// assistant: answers a question through the host's `default` model endpoint, with
// every tool registered in the host offered to the model. The answer streams to the
// user as model_delta events while it is generated; tool calls show as
// tool_executing / tool_completed; the result is the whole answer.
//
//   input:  {"text": "What is the weather in Paris?"}
//   result: {"text": "<the full answer>"}
//
// Point it at a real endpoint with a `models` section (README.md, "Talking to a
// model").

#include <agenthost/plugin.hpp>

namespace {

constexpr const char* kSystemPrompt =
    "You are a helpful assistant. Use the tools you are offered when they help; answer "
    "concisely.";

class AssistantAgent final : public agenthost::Agent {
 public:
  using Agent::Agent;

  boost::json::value run(const boost::json::value& input) override {
    agenthost::ChatRequest request;  // endpoint "" is "default"
    request.messages = {agenthost::chat_message("system", kSystemPrompt),
                        agenthost::chat_message("user", input.at("text").as_string())};
    request.tools = {std::string(agenthost::kAllTools)};
    const auto answer = models().chat(request);  // suspends the run while it waits
    return boost::json::object{{"text", answer.text}};
  }
};

void register_assistant(agenthost::Registrar& registrar) {
  registrar.add_agent<AssistantAgent>(
      {.name = "assistant",
       .description = "Answers {text} through the default model endpoint, with the host's tools",
       .version = "1.0.0",
       .input_schema = {{"type", "object"},
                        {"required", {"text"}},
                        {"additionalProperties", false},
                        {"properties", {{"text", {{"type", "string"}, {"minLength", 1}}}}}},
       .model_endpoints = {"default"}});
}

}  // namespace

AGENTHOST_PLUGIN("assistant", "1.0.0", register_assistant)
