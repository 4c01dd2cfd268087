#include "config/config_error.hpp"

namespace agenthost::config {

namespace {

std::string join_lines(const std::vector<ConfigIssue>& issues) {
  std::string text;
  for (const auto& issue : issues) {
    if (!text.empty()) text += '\n';
    text += issue.to_string();
  }
  return text;
}

}  // namespace

std::string ConfigIssue::to_string() const {
  std::string text = file;
  if (line > 0) text += ':' + std::to_string(line) + ':' + std::to_string(column);
  text += ": ";
  if (!path.empty()) text += path + ": ";
  text += message;
  return text;
}

ConfigError::ConfigError(std::vector<ConfigIssue> issues)
    : std::runtime_error(join_lines(issues)), issues_(std::move(issues)) {}

}  // namespace agenthost::config
