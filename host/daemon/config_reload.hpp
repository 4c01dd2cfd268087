#pragma once
/// \file
/// What a SIGHUP reload may change in a running host, key by key. Pure: compares two
/// loaded configurations; HostRuntime::reload applies the result.
///
/// Applied live: limits.max_concurrent_runs_per_user, limits.max_queued_runs_per_user,
/// limits.run_timeout (for runs accepted from then on), logging.level and
/// logging.format, every auth key, server.runs_per_second_per_user and
/// server.max_connections_per_user. Every other key (plugins, database, the listen
/// address, threads, buffers, timeouts of connections already open) is built into
/// running components: a change is reported as needing a restart and the running
/// value is kept.

#include <string>
#include <vector>

#include "config/host_config.hpp"

namespace agenthost::daemon {

struct ReloadPlan {
  /// One line per live change, "key: old -> new" (secrets shown as "changed").
  std::vector<std::string> live;
  /// Dotted keys that changed and need a restart.
  std::vector<std::string> needs_restart;
};

ReloadPlan plan_reload(const config::HostConfig& running, const config::HostConfig& next);

/// `running` with the live keys of `next`: what the host runs with after a reload.
config::HostConfig with_live_settings(const config::HostConfig& running,
                                      const config::HostConfig& next);

}  // namespace agenthost::daemon
