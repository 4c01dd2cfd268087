#pragma once
/// \file
/// Startup step for section `models`: the endpoints every run's models() calls,
/// checked against what the loaded agents ask for.

#include <memory>
#include <string>

#include "config/models_section.hpp"
#include "models/model_endpoints.hpp"
#include "registry/agent_class_registry.hpp"

namespace agenthost::daemon {

/// Throws std::runtime_error naming every agent that asks (AgentInfo::model_endpoints)
/// for an endpoint `models` does not configure, and what to add.
void check_model_endpoints(const config::ModelsSettings& models,
                           const registry::AgentClassRegistry& registry);

/// check_model_endpoints, then the client of the endpoints; null when none is
/// configured (the host starts; a model call then fails saying what to configure).
std::unique_ptr<models::ModelEndpoints> open_model_endpoints(
    const config::ModelsSettings& models, const registry::AgentClassRegistry& registry);

/// What --check-config and the startup log print: each endpoint's name, URL and
/// model; never its key (only whether one is set).
std::string describe_models(const config::ModelsSettings& models);

}  // namespace agenthost::daemon
