#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/config_error.hpp"

namespace YAML {
class Node;
}

namespace agenthost::config {

/// 1-based line and column in the config file; 0/0 when unknown.
struct SourcePosition {
  int line = 0;
  int column = 0;
};

/// A YAML value being read: the node, where it starts and its dotted key path.
/// Only borrows the node; lives for one read call.
struct ValueRef {
  const YAML::Node& node;
  SourcePosition at;
  std::string path;
};

/// Looks up an environment variable; nullopt when it is not set.
using EnvLookup = std::function<std::optional<std::string>(const std::string& name)>;

/// The environment of the process (getenv).
std::optional<std::string> process_environment(const std::string& name);

/// State of one load: where the file is, how to read the environment, and the problems found
/// so far. Readers report into it and carry on, so one load reports every problem in the file.
/// Used by one thread for one load.
class LoadContext {
 public:
  /// `file` names the file in messages; `base_dir` (absolute) anchors relative paths.
  LoadContext(std::string file, std::string base_dir, EnvLookup env = process_environment);

  const std::string& file() const { return file_; }
  const std::string& base_dir() const { return base_dir_; }
  const EnvLookup& env() const { return env_; }

  void report(SourcePosition at, std::string path, std::string message);
  void report(const ValueRef& value, std::string message) {
    report(value.at, value.path, std::move(message));
  }

  /// "file:line:col", for settings that keep their origin for later error messages.
  std::string where(SourcePosition at) const;

  /// `path` made absolute against the config file's directory, normalised.
  std::string resolve_path(const std::string& path) const;

  std::size_t issue_count() const { return issues_.size(); }

  /// The problems in file order (stable for problems at the same position).
  std::vector<ConfigIssue> sorted_issues() const;

 private:
  std::string file_;
  std::string base_dir_;
  EnvLookup env_;
  std::vector<ConfigIssue> issues_;
};

/// 1-based position of a node, as yaml-cpp records it.
SourcePosition position_of(const YAML::Node& node);

/// "a.b" / "b" when `parent` is empty.
std::string child_path(const std::string& parent, std::string_view key);

/// "a.b[3]".
std::string index_path(const std::string& parent, std::size_t index);

}  // namespace agenthost::config
