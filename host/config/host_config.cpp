#include "config/host_config.hpp"

#include <yaml-cpp/yaml.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>

#include "config/schema_fields.hpp"

namespace agenthost::config {

namespace {

[[noreturn]] void refuse_file(const std::string& file, std::string message) {
  throw ConfigError({ConfigIssue{file, 0, 0, "", std::move(message)}});
}

std::string read_whole_file(const std::filesystem::path& path, const std::string& file) {
  std::error_code ec;
  const auto status = std::filesystem::status(path, ec);
  if (!std::filesystem::exists(status)) {
    refuse_file(file, "cannot read the configuration: no such file");
  }
  if (std::filesystem::is_directory(status)) {
    refuse_file(file, "cannot read the configuration: this is a directory, not a YAML file");
  }
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> in(std::fopen(path.c_str(), "rb"), &std::fclose);
  if (!in) refuse_file(file, std::string("cannot read the configuration: ") + std::strerror(errno));
  std::string text;
  char buffer[8192];
  while (const std::size_t n = std::fread(buffer, 1, sizeof buffer, in.get()))
    text.append(buffer, n);
  if (std::ferror(in.get())) {
    refuse_file(file, std::string("cannot read the configuration: ") + std::strerror(errno));
  }
  return text;
}

HostConfig parse(std::string_view text, std::string source_file, LoadContext& ctx) {
  HostConfig config;
  config.source_file = std::move(source_file);
  const std::string expected = "expected a mapping with the sections " +
                               join_words(host_config_schema().doc().keys()) +
                               " ('{}' takes every default)";
  std::vector<YAML::Node> documents;
  try {
    documents = YAML::LoadAll(std::string(text));
  } catch (const YAML::Exception& e) {
    const SourcePosition at =
        e.mark.is_null() ? SourcePosition{} : SourcePosition{e.mark.line + 1, e.mark.column + 1};
    ctx.report(at, "", "YAML syntax error: " + e.msg);
    throw ConfigError(ctx.sorted_issues());
  }
  if (documents.empty() || documents.front().IsNull()) {
    ctx.report({1, 1}, "", "the file has no settings (it is empty or only comments); " + expected);
    throw ConfigError(ctx.sorted_issues());
  }
  if (documents.size() > 1) {
    ctx.report(position_of(documents[1]), "",
               "a second YAML document ('---'); put every setting in one document");
  }
  const YAML::Node& root = documents.front();
  host_config_schema().read(ValueRef{root, position_of(root), ""}, config, ctx);
  if (ctx.issue_count() > 0) throw ConfigError(ctx.sorted_issues());

  // Relative paths mean "next to the config file", also for defaults not written in it.
  config.server.data_dir = ctx.resolve_path(config.server.data_dir);
  config.database.url = complete_database_url(config.database.url, config.server.data_dir);
  config.database.agent_url =
      complete_agent_database_url(config.database.agent_url, config.database.url);
  return config;
}

}  // namespace

HostConfig load_config_file(const std::string& path) {
  if (path.empty()) refuse_file("(none)", "no configuration file given");
  const std::filesystem::path absolute = std::filesystem::absolute(path).lexically_normal();
  const std::string file = absolute.string();
  const std::string text = read_whole_file(absolute, file);
  LoadContext ctx(file, absolute.parent_path().string());
  return parse(text, file, ctx);
}

HostConfig load_config_string(std::string_view yaml, const std::string& name_for_errors,
                              const std::string& base_dir) {
  LoadContext ctx(name_for_errors, std::filesystem::absolute(base_dir).lexically_normal().string());
  return parse(yaml, name_for_errors, ctx);
}

const ObjectSchema<HostConfig>& host_config_schema() {
  static const ObjectSchema<HostConfig> schema{
      "The agenthost configuration file.",
      {
          section("server", &HostConfig::server, server_schema()),
          section("database", &HostConfig::database, database_schema()),
          section("plugins", &HostConfig::plugins, plugins_schema()),
          section("limits", &HostConfig::limits, limits_schema()),
          section("workers", &HostConfig::workers, workers_schema()),
          section("logging", &HostConfig::logging, logging_schema()),
          section("auth", &HostConfig::auth, auth_schema()),
          section("retention", &HostConfig::retention, retention_schema()),
          custom_field<HostConfig, ModelsSettings>(
              models_doc(),
              [](const ValueRef& value, HostConfig& out, LoadContext& ctx) {
                read_models(value, out.models, ctx);
              },
              &HostConfig::models)
              .restart(),
          section("model_budgets", &HostConfig::model_budgets, model_budgets_schema()),
      }};
  return schema;
}

std::string describe_schema() { return describe_markdown(host_config_schema().doc()); }

}  // namespace agenthost::config
