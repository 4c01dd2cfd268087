#include "daemon/config_reload.hpp"

namespace agenthost::daemon {

// Both follow the schema: each key's declared Reload kind (config/schema.hpp) decides.
ReloadPlan plan_reload(const config::HostConfig& running, const config::HostConfig& next) {
  ReloadPlan plan;
  config::host_config_schema().plan_reload(running, next, "", plan);
  return plan;
}

config::HostConfig with_live_settings(const config::HostConfig& running,
                                      const config::HostConfig& next) {
  auto out = running;
  config::host_config_schema().assign_live(next, out);
  return out;
}

}  // namespace agenthost::daemon
