#pragma once
/// \file
/// From configuration sections to the typed options of the components that both the
/// supervising process (HostRuntime) and a worker process (host/worker) build: the
/// database pools, the execution engine's limits and the log.

#include <cstdint>
#include <string>

#include "config/host_config.hpp"
#include "database/database_options.hpp"
#include "execution/engine_types.hpp"
#include "logging/logging.hpp"

namespace agenthost::daemon {

database::DatabaseOptions database_options(const config::HostConfig& c, const std::string& url,
                                           std::uint32_t pool_size);
/// The agents' pool: each user's runs hold at most their share of it at once.
database::DatabaseOptions agent_database_options(const config::HostConfig& c);
execution::EngineOptions engine_options(const config::HostConfig& c);
logging::LogOptions log_options(const config::LoggingSettings& s);

}  // namespace agenthost::daemon
