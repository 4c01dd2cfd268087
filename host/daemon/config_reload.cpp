#include "daemon/config_reload.hpp"

#include <fmt/format.h>

#include <set>
#include <utility>

#include "config/duration.hpp"

namespace agenthost::daemon {

namespace {

std::string shown(std::uint32_t v) { return std::to_string(v); }
std::string shown(const std::string& v) { return "\"" + v + "\""; }
std::string shown(config::Duration v) { return config::format_duration(v); }
std::string shown(config::LogFormat v) { return v == config::LogFormat::json ? "json" : "text"; }

class Comparer {
 public:
  explicit Comparer(ReloadPlan& plan) : plan_(plan) {}

  template <class T>
  void live(std::string_view key, const T& before, const T& after) {
    if (!(before == after))
      plan_.live.push_back(fmt::format("{}: {} -> {}", key, shown(before), shown(after)));
  }
  /// A secret: the values never reach the log.
  void live_secret(std::string_view key, bool changed) {
    if (changed) plan_.live.push_back(fmt::format("{}: changed", key));
  }
  void restart(std::string_view key, bool changed) {
    if (changed) plan_.needs_restart.emplace_back(key);
  }

 private:
  ReloadPlan& plan_;
};

// The keys themselves, not where in the file they were written.
std::set<std::pair<std::string, std::string>> api_keys(const config::AuthSettings& a) {
  std::set<std::pair<std::string, std::string>> out;
  for (const auto& k : a.api_keys) out.emplace(k.user, k.key);
  return out;
}

std::vector<std::string> plugin_paths(const config::PluginsSettings& p) {
  std::vector<std::string> out;
  for (const auto& path : p.paths) out.push_back(path.path);
  return out;
}

}  // namespace

ReloadPlan plan_reload(const config::HostConfig& running, const config::HostConfig& next) {
  ReloadPlan plan;
  Comparer c(plan);

  const auto& l0 = running.limits;
  const auto& l1 = next.limits;
  c.live("limits.max_concurrent_runs_per_user", l0.max_concurrent_runs_per_user,
         l1.max_concurrent_runs_per_user);
  c.live("limits.max_queued_runs_per_user", l0.max_queued_runs_per_user,
         l1.max_queued_runs_per_user);
  c.live("limits.run_timeout", l0.run_timeout, l1.run_timeout);
  c.restart("limits.worker_threads", l0.worker_threads != l1.worker_threads);
  c.restart("limits.max_result_bytes", l0.max_result_bytes != l1.max_result_bytes);

  c.live("logging.level", running.logging.level, next.logging.level);
  c.live("logging.format", running.logging.format, next.logging.format);

  const auto& j0 = running.auth.jwt;
  const auto& j1 = next.auth.jwt;
  c.live_secret("auth.jwt.hs256_secret", j0.hs256_secret != j1.hs256_secret);
  c.live("auth.jwt.issuer", j0.issuer, j1.issuer);
  c.live("auth.jwt.audience", j0.audience, j1.audience);
  c.live("auth.jwt.leeway", j0.leeway, j1.leeway);
  c.live_secret("auth.api_keys", api_keys(running.auth) != api_keys(next.auth));

  const auto& s0 = running.server;
  const auto& s1 = next.server;
  c.live("server.runs_per_second_per_user", s0.runs_per_second_per_user,
         s1.runs_per_second_per_user);
  c.live("server.max_connections_per_user", s0.max_connections_per_user,
         s1.max_connections_per_user);
  c.restart("server.address", s0.address != s1.address);
  c.restart("server.port", s0.port != s1.port);
  c.restart("server.data_dir", s0.data_dir != s1.data_dir);
  c.restart("server.max_message_bytes", s0.max_message_bytes != s1.max_message_bytes);
  c.restart("server.idle_timeout", s0.idle_timeout != s1.idle_timeout);
  c.restart("server.handshake_timeout", s0.handshake_timeout != s1.handshake_timeout);
  c.restart("server.write_timeout", s0.write_timeout != s1.write_timeout);
  c.restart("server.io_threads", s0.io_threads != s1.io_threads);
  c.restart("server.request_threads", s0.request_threads != s1.request_threads);
  c.restart("server.send_queue_frames", s0.send_queue_frames != s1.send_queue_frames);
  c.restart("server.send_queue_bytes", s0.send_queue_bytes != s1.send_queue_bytes);
  c.restart("server.max_unauthenticated_connections",
            s0.max_unauthenticated_connections != s1.max_unauthenticated_connections);
  c.restart("server.max_subscriptions_per_connection",
            s0.max_subscriptions_per_connection != s1.max_subscriptions_per_connection);
  c.restart("server.on_disconnect", s0.on_disconnect != s1.on_disconnect);
  c.restart("server.drain_timeout", s0.drain_timeout != s1.drain_timeout);

  const auto& d0 = running.database;
  const auto& d1 = next.database;
  c.restart("database.url", d0.url != d1.url);
  c.restart("database.agent_url", d0.agent_url != d1.agent_url);
  c.restart("database.pool_size", d0.pool_size != d1.pool_size);
  c.restart("database.busy_timeout", d0.busy_timeout != d1.busy_timeout);

  const auto& p0 = running.plugins;
  const auto& p1 = next.plugins;
  c.restart("plugins.paths", plugin_paths(p0) != plugin_paths(p1));
  c.restart("plugins.on_error", p0.on_error != p1.on_error);
  c.restart("plugins.config", p0.config != p1.config);
  return plan;
}

config::HostConfig with_live_settings(const config::HostConfig& running,
                                      const config::HostConfig& next) {
  auto out = running;
  out.limits.max_concurrent_runs_per_user = next.limits.max_concurrent_runs_per_user;
  out.limits.max_queued_runs_per_user = next.limits.max_queued_runs_per_user;
  out.limits.run_timeout = next.limits.run_timeout;
  out.logging = next.logging;
  out.auth = next.auth;
  out.server.runs_per_second_per_user = next.server.runs_per_second_per_user;
  out.server.max_connections_per_user = next.server.max_connections_per_user;
  return out;
}

}  // namespace agenthost::daemon
