#pragma once

/// \file
/// The host's configuration: one YAML file with the sections server, database, plugins,
/// limits, workers, logging and more, read once at start-up into plain structs. Nothing reads YAML
/// after loading. See docs/configuration.md for every key.

#include <string>
#include <string_view>

#include "config/auth_section.hpp"
#include "config/config_error.hpp"
#include "config/database_section.hpp"
#include "config/limits_section.hpp"
#include "config/logging_section.hpp"
#include "config/models_section.hpp"
#include "config/plugins_section.hpp"
#include "config/retention_section.hpp"
#include "config/schema.hpp"
#include "config/server_section.hpp"
#include "config/workers_section.hpp"

namespace agenthost::config {

/// Everything the file says, with defaults for what it leaves out. Paths are absolute.
struct HostConfig {
  std::string source_file;  ///< absolute path of the file loaded (the name given, for strings)
  ServerSettings server;
  DatabaseSettings database;
  PluginsSettings plugins;
  LimitsSettings limits;
  WorkersSettings workers;
  LoggingSettings logging;
  AuthSettings auth;
  RetentionSettings retention;
  ModelsSettings models;
  ModelBudgetSettings model_budgets;
};

/// Loads and validates a config file. Relative paths in it are taken from the file's
/// directory, so the file works from any working directory; ${VAR} is read from the process
/// environment. Throws ConfigError listing every problem in the file, each with
/// file:line:column and key path; also for a missing, unreadable or empty file and for
/// YAML syntax errors. Call before starting threads (it reads the environment).
HostConfig load_config_file(const std::string& path);

/// As load_config_file, for YAML text: `name_for_errors` names it in messages and becomes
/// source_file; relative paths are taken from `base_dir`. For tests and tools.
HostConfig load_config_string(std::string_view yaml, const std::string& name_for_errors,
                              const std::string& base_dir);

/// The top-level keys: one section each.
const ObjectSchema<HostConfig>& host_config_schema();

/// Markdown documenting every section and key (type, default, allowed values, description);
/// the reference part of docs/configuration.md.
std::string describe_schema();

}  // namespace agenthost::config
