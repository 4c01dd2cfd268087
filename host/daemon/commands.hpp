#pragma once
/// \file
/// The three things agenthostd does, one function each. Each returns the process
/// exit status: 0 success, 1 refused configuration or plugin.

#include <string>

namespace agenthost::daemon {

/// --check-config FILE: validates the file, loads its plugins without serving, and
/// prints what it found, or every error.
int check_config(const std::string& config_file);

/// --check-plugin FILE: loads one .so in isolation and prints its manifest, agents
/// and tools, or the exact reason it would be refused. The manifest is checked from
/// the file's bytes first; a compatible plugin is then loaded, which runs its static
/// constructors (docs/operations.md): check only files you would load into the host.
int check_plugin(const std::string& plugin_file);

/// --issue-token USER --config FILE [--ttl D]: prints a JWT for USER signed with
/// the config's auth.jwt.hs256_secret.
int issue_token(const std::string& config_file, const std::string& user, const std::string& ttl);

/// --config FILE: starts the host and serves until SIGINT/SIGTERM.
int serve(const std::string& config_file);

}  // namespace agenthost::daemon
