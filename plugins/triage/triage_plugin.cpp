// triage: an agent that sorts a support request into a category by calling a
// tool, "triage.keyword_classifier", which this plugin also registers. Shows how a
// plugin reads its configuration (plugin_config), registers a tool with an input
// schema, and how an agent calls tools and reports progress.

#include <agenthost/plugin.hpp>

#include <algorithm>
#include <stdexcept>

#include "keyword_classifier.hpp"

namespace {

constexpr const char* kClassifierTool = "triage.keyword_classifier";

class TriageAgent final : public agenthost::Agent {
 public:
  using Agent::Agent;

  // input: {"text": "..."}; result: {"category": ..., "confidence": 0..1}
  boost::json::value run(const boost::json::value& input) override {
    const auto* object = input.if_object();
    const auto* text = object ? object->if_contains("text") : nullptr;
    if (!text || !text->is_string())
      throw std::invalid_argument(
          "triage needs an object with a string \"text\", e.g. {\"text\": \"I was charged "
          "twice\"}");

    events().thinking("looking for category keywords in the request");
    // The host's dispatcher validates the input against the tool's schema and emits
    // tool_executing / tool_completed to this run's user.
    const auto verdict = tools().call(kClassifierTool, {{"text", *text}});
    events().progress(100, "classified");

    // More matched keywords, more confidence; a request with none gets the
    // default category at low confidence.
    const auto matched = verdict.at("matched").as_array().size();
    const double confidence =
        matched == 0 ? 0.2 : std::min(0.95, 0.5 + 0.15 * static_cast<double>(matched));
    return {{"category", verdict.at("category")}, {"confidence", confidence}};
  }
};

void register_triage(agenthost::Registrar& registrar) {
  // Parse the configuration once; a bad one throws and the host refuses the plugin
  // with this message, at startup.
  const triage::ClassifierSettings settings =
      triage::settings_from_config(registrar.plugin_config());

  registrar.add_tool(
      {.name = kClassifierTool,
       .description = "Finds the support category whose keywords occur in a text",
       .input_schema = {{"type", "object"},
                        {"properties", {{"text", {{"type", "string"}}}}},
                        {"required", {"text"}}}},
      // Called from many runs at once: it only reads `settings`, its own copy.
      [settings](const agenthost::ExecutionContext&, const boost::json::value& input) {
        return boost::json::value(triage::classify(settings, input.at("text").as_string()));
      });

  registrar.add_agent<TriageAgent>({.name = "triage",
                                    .description = "Sorts a support request into a category",
                                    .version = "1.0.0"});
}

}  // namespace

AGENTHOST_PLUGIN("triage", "1.0.0", register_triage)
