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

/// Where a plugin's agents run (plugins.isolation).
enum class IsolationMode {
  worker,     ///< in the shared pool of supervised worker processes
  dedicated,  ///< in worker processes of the plugin's own
  in_process  ///< in the daemon itself: fastest, but a crash takes down the host
};

/// Section `plugins.isolation`: the isolation mode of each plugin.
struct PluginIsolation {
  IsolationMode default_mode = IsolationMode::worker;
  /// plugin name -> its mode, overriding default_mode. Names are not checked against the
  /// plugins loaded (the configuration is read before them).
  std::map<std::string, IsolationMode> by_plugin;

  /// by_plugin's entry for `plugin_name`, else default_mode.
  IsolationMode for_plugin(std::string_view plugin_name) const;
};

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
  PluginIsolation isolation;
};

/// Keys of section `plugins`.
const ObjectSchema<PluginsSettings>& plugins_schema();

/// "fail" / "skip".
std::string_view to_string(OnPluginError value);

/// "worker" / "dedicated" / "in_process".
std::string_view to_string(IsolationMode value);

}  // namespace agenthost::config
