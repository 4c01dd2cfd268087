#include "config/plugins_section.hpp"

#include <algorithm>

#include "config/schema_fields.hpp"
#include "config/yaml_to_json.hpp"

namespace agenthost::config {

namespace {

constexpr std::array<EnumName<OnPluginError>, 2> kOnPluginErrorNames{{
    {"fail", OnPluginError::fail},
    {"skip", OnPluginError::skip},
}};

constexpr std::array<EnumName<IsolationMode>, 3> kIsolationModeNames{{
    {"worker", IsolationMode::worker},
    {"dedicated", IsolationMode::dedicated},
    {"in_process", IsolationMode::in_process},
}};

void read_by_plugin(const ValueRef& value, PluginIsolation& out, LoadContext& ctx) {
  OneOf choices;
  for (const auto& entry : kIsolationModeNames) choices.choices.emplace_back(entry.name);
  std::map<std::string, IsolationMode> by_plugin;
  read_entries(value, ctx, "a mapping from plugin name to isolation mode",
               [&](const std::string& plugin, SourcePosition, const ValueRef& mode) {
                 const auto text = read_string(mode, ctx);
                 if (!text) return;
                 for (const auto& entry : kIsolationModeNames) {
                   if (entry.name == *text) {
                     by_plugin[plugin] = entry.value;
                     return;
                   }
                 }
                 ctx.report(mode, *choices.check(*text));
               });
  out.by_plugin = std::move(by_plugin);
}

FieldDoc by_plugin_doc() {
  FieldDoc doc;
  doc.key = "by_plugin";
  doc.type = "mapping";
  doc.default_value = "{}";
  doc.allowed = "plugin name -> worker, dedicated or in_process";
  doc.description = "Isolation of single plugins, overriding `default`.";
  return doc;
}

const ObjectSchema<PluginIsolation>& isolation_schema() {
  static const ObjectSchema<PluginIsolation> schema{
      "Where plugins' agents run: `worker` in a pool of supervised worker processes (a crash "
      "ends only that worker's runs), `dedicated` in worker processes of the plugin's own, "
      "`in_process` in the daemon itself (fastest; a crash takes down the host: for trusted "
      "plugins).",
      {
          enum_field("default", &PluginIsolation::default_mode,
                     "Isolation of every plugin not named in `by_plugin`.", kIsolationModeNames)
              .restart(),
          custom_field(by_plugin_doc(), read_by_plugin, &PluginIsolation::by_plugin).restart(),
      }};
  return schema;
}

void read_paths(const ValueRef& value, PluginsSettings& out, LoadContext& ctx) {
  std::vector<PluginPath> paths;
  read_list(
      value, ctx, "a list of plugin files or directories", [&](std::size_t, const ValueRef& item) {
        const auto path = read_string(item, ctx);
        if (!path) return;
        if (path->empty()) {
          ctx.report(item, "empty path; give a .so file or a directory of them");
          return;
        }
        paths.push_back({ctx.resolve_path(*path), ctx.where(item.at) + " (" + item.path + ")"});
      });
  out.paths = std::move(paths);
}

void read_plugin_config(const ValueRef& value, PluginsSettings& out, LoadContext& ctx) {
  read_entries(value, ctx, "a mapping from plugin name to that plugin's settings",
               [&](const std::string& plugin, SourcePosition key_at, const ValueRef& settings) {
                 out.config_where[plugin] = ctx.where(key_at);
                 if (auto json = yaml_to_json(settings, ctx)) out.config[plugin] = std::move(*json);
               });
}

// The paths, not where in the file they were written.
bool same_paths(const std::vector<PluginPath>& a, const std::vector<PluginPath>& b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(),
                    [](const PluginPath& x, const PluginPath& y) { return x.path == y.path; });
}

FieldDoc paths_doc() {
  FieldDoc doc;
  doc.key = "paths";
  doc.type = "list of paths";
  doc.default_value = "[]";
  doc.allowed = "each a `.so` file or a directory";
  doc.description =
      "Plugin libraries to load; a directory loads every `*.so` in it. Relative paths are taken "
      "from the config file's directory.";
  return doc;
}

FieldDoc config_doc() {
  FieldDoc doc;
  doc.key = "config";
  doc.type = "mapping";
  doc.default_value = "{}";
  doc.allowed = "plugin name -> any YAML";
  doc.description =
      "Settings handed to each plugin, by plugin name, converted to JSON (quote a scalar to "
      "keep it a string).";
  return doc;
}

}  // namespace

const ObjectSchema<PluginsSettings>& plugins_schema() {
  static const ObjectSchema<PluginsSettings> schema{
      "Which agent plugins to load, what to do when one fails, and each plugin's settings.",
      {
          custom_field(paths_doc(), read_paths, &PluginsSettings::paths, same_paths).restart(),
          enum_field(
              "on_error", &PluginsSettings::on_error,
              "When a plugin fails to load: `fail` refuses to start, `skip` starts without it.",
              kOnPluginErrorNames)
              .restart(),
          custom_field(config_doc(), read_plugin_config, &PluginsSettings::config).restart(),
          section("isolation", &PluginsSettings::isolation, isolation_schema()),
      }};
  return schema;
}

std::string_view to_string(OnPluginError value) { return enum_name(kOnPluginErrorNames, value); }

std::string_view to_string(IsolationMode value) { return enum_name(kIsolationModeNames, value); }

IsolationMode PluginIsolation::for_plugin(std::string_view plugin_name) const {
  const auto found = by_plugin.find(std::string(plugin_name));
  return found == by_plugin.end() ? default_mode : found->second;
}

}  // namespace agenthost::config
