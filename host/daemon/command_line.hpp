#pragma once
/// \file
/// agenthostd's command line. Parsing is pure (no I/O) so every refusal is testable.

#include <stdexcept>
#include <string>
#include <vector>

namespace agenthost::daemon {

enum class Mode {
  serve,         ///< --config FILE: start the host
  check_config,  ///< --check-config FILE: validate, load plugins, print, exit
  check_plugin,  ///< --check-plugin FILE.so: load one plugin in isolation, print, exit
  version,       ///< --version
  help,          ///< --help
  issue_token,   ///< --issue-token USER --config FILE [--ttl DURATION]: print a JWT
};

struct CommandLine {
  Mode mode = Mode::help;
  std::string path;         ///< the config file or plugin file the mode names
  std::string user;         ///< issue_token: the token's user
  std::string ttl = "24h";  ///< issue_token: how long the token is valid (a config duration)
};

/// Thrown for an unknown option or a missing argument; what() says which.
class UsageError : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

/// Parses argv[1..]. Throws UsageError.
CommandLine parse_command_line(const std::vector<std::string>& args);

/// The --help text.
std::string usage_text();

}  // namespace agenthost::daemon
