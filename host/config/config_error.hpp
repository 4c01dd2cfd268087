#pragma once

#include <stdexcept>
#include <string>
#include <vector>

namespace agenthost::config {

/// One problem found in a configuration file.
struct ConfigIssue {
  std::string file;     ///< the file as named to the loader (absolute for load_config_file)
  int line = 0;         ///< 1-based; 0 when the problem has no position (e.g. unreadable file)
  int column = 0;       ///< 1-based; 0 when the problem has no position
  std::string path;     ///< dotted key path, e.g. "limits.run_timeout" or "plugins.paths[1]"
  std::string message;  ///< what is wrong and what is accepted instead

  /// "file:line:col: path: message"; the position and path parts are left out when unknown.
  std::string to_string() const;
};

/// Thrown by the loaders when a file is refused. Carries every problem found in the file,
/// in file order, not only the first.
class ConfigError : public std::runtime_error {
 public:
  explicit ConfigError(std::vector<ConfigIssue> issues);

  /// Every problem, in file order; never empty.
  const std::vector<ConfigIssue>& issues() const { return issues_; }

 private:
  std::vector<ConfigIssue> issues_;
};

}  // namespace agenthost::config
