#pragma once
/// \file
/// What a SIGHUP reload may change in a running host, key by key. Pure: compares two
/// loaded configurations; HostRuntime::reload applies the result.
///
/// Each key of the schema declares its reload kind beside its definition (the
/// *_section.cpp files: .live(), .live_secret() or .restart()); both functions here
/// walk the schema, so a new key is in the plan without being listed here. A key
/// declared live must also be applied by HostRuntime::reload.

#include <string>
#include <vector>

#include "config/host_config.hpp"

namespace agenthost::daemon {

using config::ReloadPlan;

ReloadPlan plan_reload(const config::HostConfig& running, const config::HostConfig& next);

/// `running` with the live keys of `next`: what the host runs with after a reload.
config::HostConfig with_live_settings(const config::HostConfig& running,
                                      const config::HostConfig& next);

}  // namespace agenthost::daemon
