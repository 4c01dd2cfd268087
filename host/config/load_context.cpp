#include "config/load_context.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>

namespace agenthost::config {

std::optional<std::string> process_environment(const std::string& name) {
  // getenv is only unsafe against concurrent setenv; config is loaded before threads start.
  const char* value = std::getenv(name.c_str());
  if (value == nullptr) return std::nullopt;
  return std::string(value);
}

LoadContext::LoadContext(std::string file, std::string base_dir, EnvLookup env)
    : file_(std::move(file)), base_dir_(std::move(base_dir)), env_(std::move(env)) {}

void LoadContext::report(SourcePosition at, std::string path, std::string message) {
  issues_.push_back({file_, at.line, at.column, std::move(path), std::move(message)});
}

std::string LoadContext::where(SourcePosition at) const {
  return file_ + ':' + std::to_string(at.line) + ':' + std::to_string(at.column);
}

std::string LoadContext::resolve_path(const std::string& path) const {
  const std::filesystem::path p(path);
  if (p.is_absolute()) return p.lexically_normal().string();
  return (std::filesystem::path(base_dir_) / p).lexically_normal().string();
}

std::vector<ConfigIssue> LoadContext::sorted_issues() const {
  std::vector<ConfigIssue> sorted = issues_;
  std::stable_sort(sorted.begin(), sorted.end(), [](const ConfigIssue& a, const ConfigIssue& b) {
    return a.line != b.line ? a.line < b.line : a.column < b.column;
  });
  return sorted;
}

SourcePosition position_of(const YAML::Node& node) {
  const YAML::Mark mark = node.Mark();
  if (mark.is_null()) return {};
  return {mark.line + 1, mark.column + 1};
}

std::string child_path(const std::string& parent, std::string_view key) {
  if (parent.empty()) return std::string(key);
  std::string path = parent;
  path += '.';
  path += key;
  return path;
}

std::string index_path(const std::string& parent, std::size_t index) {
  return parent + '[' + std::to_string(index) + ']';
}

}  // namespace agenthost::config
