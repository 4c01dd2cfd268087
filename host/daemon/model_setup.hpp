#pragma once
/// \file
/// Startup step for section `models`: the endpoints every run's models() calls,
/// checked against what the loaded agents ask for.

#include <memory>
#include <string>
#include <vector>

#include "config/models_section.hpp"
#include "models/model_endpoints.hpp"
#include "registry/agent_class_registry.hpp"

namespace agenthost::daemon {

/// One line per agent that asks (AgentInfo::model_endpoints) for an endpoint `models`
/// does not configure, saying what to add. --check-config refuses the configuration
/// when there is any; the daemon starts and logs them (such an agent's runs fail
/// with the same advice), so a host without a model provider still serves the rest.
std::vector<std::string> missing_model_endpoints(const config::ModelsSettings& models,
                                                 const registry::AgentClassRegistry& registry);

/// The client of the configured endpoints; null when none is configured.
std::unique_ptr<models::ModelEndpoints> open_model_endpoints(const config::ModelsSettings& models);

/// What --check-config and the startup log print: each endpoint's name, URL and
/// model; never its key (only whether one is set).
std::string describe_models(const config::ModelsSettings& models);

}  // namespace agenthost::daemon
