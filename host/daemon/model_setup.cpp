#include "daemon/model_setup.hpp"

#include <fmt/format.h>

namespace agenthost::daemon {

std::vector<std::string> missing_model_endpoints(const config::ModelsSettings& models,
                                                 const registry::AgentClassRegistry& registry) {
  std::vector<std::string> missing;
  for (const auto* agent : registry.agents())
    for (const auto& endpoint : agent->info.model_endpoints)
      if (!models.count(endpoint))
        missing.push_back(fmt::format(
            "agent \"{}\" (plugin {}, {}) calls model endpoint \"{}\", which is not configured: "
            "add models.{} (base_url, api_key, model) to the configuration",
            agent->info.name, agent->plugin_name, agent->plugin_file, endpoint, endpoint));
  return missing;
}

std::unique_ptr<models::ModelEndpoints> open_model_endpoints(const config::ModelsSettings& models) {
  if (models.empty()) return nullptr;
  return std::make_unique<models::ModelEndpoints>(models);
}

std::string describe_models(const config::ModelsSettings& models) {
  std::string out = fmt::format("model endpoints ({}):\n", models.size());
  for (const auto& [name, e] : models)
    out += fmt::format("  {} {} model {}{}\n", name, e.base_url, e.model,
                       e.api_key.empty() ? ", no api key" : ", api key set");
  return out;
}

}  // namespace agenthost::daemon
