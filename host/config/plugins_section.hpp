#pragma once

#include <boost/json/value.hpp>

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "config/schema.hpp"

namespace agenthost::config {

/// What the host does when a plugin cannot be loaded.
enum class OnPluginError { fail, skip };

/// One entry of plugins.paths.
struct PluginPath {
  std::string path;   ///< absolute: a .so file, or a directory whose *.so files are loaded
  std::string where;  ///< "file:line:col (plugins.paths[i])", for the loader's error messages
};

/// Section `plugins`: which agent libraries to load and their settings.
struct PluginsSettings {
  std::vector<PluginPath> paths;
  OnPluginError on_error = OnPluginError::fail;
  /// plugins.config.<plugin_name>: that plugin's settings, converted from YAML to JSON.
  std::map<std::string, boost::json::value> config;
  /// plugin_name -> "file:line:col" of its key under plugins.config, for later errors
  /// (e.g. no plugin of that name was loaded, or the plugin refused its settings).
  std::map<std::string, std::string> config_where;
};

/// Keys of section `plugins`.
const ObjectSchema<PluginsSettings>& plugins_schema();

/// "fail" / "skip".
std::string_view to_string(OnPluginError value);

}  // namespace agenthost::config
