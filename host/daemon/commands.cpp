#include "daemon/commands.hpp"

#include <spdlog/spdlog.h>

#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>
#include <exception>
#include <iostream>
#include <sstream>
#include <thread>

#include "auth/token_issuer.hpp"
#include "config/duration.hpp"
#include "config/host_config.hpp"
#include "daemon/auth_setup.hpp"
#include "daemon/component_options.hpp"
#include "daemon/host_runtime.hpp"
#include "daemon/model_setup.hpp"
#include "daemon/plugin_setup.hpp"
#include "daemon/signals.hpp"
#include "logging/logging.hpp"
#include "state_dir/data_directory_lock.hpp"
#include "systemd/service_notifier.hpp"

namespace agenthost::daemon {

namespace {

void log_lines(spdlog::level::level_enum level, const std::string& text) {
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);)
    if (!line.empty()) spdlog::log(level, "reload: {}", line);
}

// SIGHUP: re-read the file; apply what can change live, keep the rest as running.
void reload(HostRuntime& runtime, const std::string& config_file) {
  systemd::reloading("reloading the configuration");
  spdlog::info("reload: reading {}", config_file);
  try {
    const auto next = config::load_config_file(config_file);
    const auto plan = runtime.reload(next);
    logging::configure(log_options(next.logging));
    for (const auto& change : plan.live) spdlog::info("reload: applied {}", change);
    for (const auto& key : plan.needs_restart)
      spdlog::warn("reload: {} changed; it needs a restart (the running value is kept)", key);
    spdlog::info("reload: done: {} change(s) applied, {} need a restart", plan.live.size(),
                 plan.needs_restart.size());
  } catch (const std::exception& e) {
    // A ConfigError lists every problem, one per line, each with file:line:col.
    log_lines(spdlog::level::err, e.what());
    spdlog::error("reload: refused, the running configuration is unchanged");
  }
  systemd::ready("serving");
}

}  // namespace

int check_config(const std::string& config_file) {
  try {
    const auto cfg = config::load_config_file(config_file);
    registry::AgentClassRegistry registry;
    const auto report = load_and_freeze(cfg.plugins, registry);
    if (const auto missing = missing_model_endpoints(cfg.models, registry); !missing.empty()) {
      for (const auto& line : missing) std::cerr << line << "\n";
      std::cerr << "configuration " << config_file << " refused\n";
      return 1;
    }
    std::cout << "configuration " << cfg.source_file << " is valid\n"
              << describe(report, registry) << describe_models(cfg.models);
    return 0;
  } catch (const config::ConfigError& e) {
    std::cerr << e.what() << "\n";
  } catch (const plugin_loader::PluginLoadError& e) {
    std::cerr << e.what() << "\n";
  }
  std::cerr << "configuration " << config_file << " refused\n";
  return 1;
}

int check_plugin(const std::string& plugin_file) {
  registry::AgentClassRegistry registry;
  plugin_loader::LoaderOptions options;
  options.sources.push_back({plugin_file, "command line"});
  try {
    const auto report = plugin_loader::load_plugins(options, registry);
    registry.freeze();
    for (const auto& p : report.loaded) {
      const auto& m = p.manifest;
      std::cout << "plugin " << p.name << " " << p.version << " (" << p.file << ") is loadable\n"
                << "manifest: sdk abi " << m.abi_major << "." << m.abi_minor << ", "
                << m.compiler_id << " " << m.compiler_version << ", " << m.stdlib << " "
                << m.stdlib_version << ", cxx11_abi " << m.cxx11_abi << ", " << m.build_type
                << " build\n";
    }
    std::cout << describe(report, registry);
    return 0;
  } catch (const plugin_loader::PluginLoadError& e) {
    std::cerr << e.what() << "\n";
    return 1;
  }
}

int issue_token(const std::string& config_file, const std::string& user, const std::string& ttl) {
  const auto duration = config::parse_duration(ttl);
  if (!duration || duration->count() <= 0) {
    std::cerr << "agenthostd: --ttl '" << ttl << "' is not a duration such as 30m or 24h\n";
    return 2;
  }
  try {
    const auto cfg = config::load_config_file(config_file);
    std::cout << auth::issue_token(auth_options(cfg.auth), user,
                                   std::chrono::duration_cast<std::chrono::seconds>(*duration))
              << "\n";
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "agenthostd: no token issued: " << e.what() << "\n";
    return 1;
  }
}

int serve(const std::string& config_file) {
  config::HostConfig cfg;
  try {
    cfg = config::load_config_file(config_file);
    logging::configure(log_options(cfg.logging));
  } catch (const std::exception& e) {
    std::cerr << e.what() << "\nagenthostd: not started: configuration " << config_file
              << " refused\n";
    return 1;
  }
  try {
    // Before the database is opened: a second instance must not touch it.
    state_dir::DataDirectoryLock lock(cfg.server.data_dir);
    HostRuntime runtime(cfg);
    const auto port = runtime.start();
    systemd::ready(fmt::format("serving on port {}", port));
    const auto watchdog = systemd::watchdog_interval();
    const auto tick = watchdog ? std::chrono::duration_cast<std::chrono::milliseconds>(*watchdog)
                               : std::chrono::milliseconds(5000);
    for (;;) {
      const auto signal = wait_for_signal(tick);
      if (signal == Signal::terminate) break;
      if (signal == Signal::reload) reload(runtime, config_file);
      // WATCHDOG=1 means the event loop serves: a hung loop stops the pings and
      // systemd restarts the host.
      if (watchdog) {
        const auto budget = std::min(tick / 2, std::chrono::milliseconds(2000));
        if (runtime.responsive(budget))
          systemd::watchdog_ping();
        else
          spdlog::error(
              "watchdog: the server's event loop did not run a task within {} ms; "
              "systemd is not pinged",
              budget.count());
      }
      const auto stats = runtime.engine().state().global_stats();
      systemd::status(fmt::format("{} runs active, {} queued", stats.active, stats.queued));
    }
    spdlog::info("shutdown requested: draining (a second SIGTERM/SIGINT exits at once)");
    systemd::stopping("draining");
    // Signals stay blocked in every thread; this one takes the second and ends the
    // process without waiting for the drain. A SIGHUP meanwhile must not end it: the
    // operator's next SIGTERM would then wait for the whole drain.
    std::thread([] {
      while (wait_for_signal() == Signal::reload)
        spdlog::warn("reload: SIGHUP ignored, the host is shutting down");
      spdlog::warn("second shutdown signal: exiting now, without waiting for runs");
      spdlog::default_logger()->flush();
      std::_Exit(1);
    }).detach();
    try {
      runtime.stop();
    } catch (const std::exception& e) {
      spdlog::error("agenthostd stopped, but not cleanly: {}", e.what());
      return 1;
    }
    spdlog::info("agenthostd stopped");
    return 0;
  } catch (const std::exception& e) {
    spdlog::critical("agenthostd: not started: {}", e.what());
    return 1;
  }
}

}  // namespace agenthost::daemon
