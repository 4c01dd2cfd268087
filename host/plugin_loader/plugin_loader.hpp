#pragma once
/// \file
/// The plugin loader: opens every configured plugin file, checks its manifest before
/// trusting any of its code, and registers its agents and tools, one plugin at a
/// time and all-or-nothing. Runs once, on the main thread, at startup; the caller
/// freezes the registry afterwards.

#include <boost/json/value.hpp>

#include <cstddef>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include "agenthost/manifest.hpp"
#include "registry/agent_class_registry.hpp"

namespace agenthost::plugin_loader {

/// One configured plugin location: a .so file, or a directory whose *.so files are
/// all loaded (in name order, subdirectories not searched). `where` says where it
/// was configured ("plugins.paths[1] in /etc/agenthost.yaml:12:5"), for messages.
struct PluginSource {
  std::string path;
  std::string where;
};

/// What happens when a plugin is refused. fail: load_plugins throws PluginLoadError
/// after trying every plugin (so the operator sees every problem at once) and the
/// host must not start. skip: the refusals are returned and the others are used.
enum class OnError { fail, skip };

struct LoaderOptions {
  std::vector<PluginSource> sources;
  OnError on_error = OnError::fail;
  /// Per-plugin configuration, by manifest plugin_name; handed to the plugin through
  /// Registrar::plugin_config(). A key naming no plugin is a refusal.
  std::map<std::string, boost::json::value> plugin_config;
};

struct LoadedPlugin {
  std::string name;
  std::string version;
  std::string file;
  agenthost::PluginManifest manifest;
  std::vector<std::string> agents;  ///< in registration order
  std::vector<std::string> tools;
};

/// A plugin (or configuration entry) that was refused.
struct PluginRefusal {
  std::string file;    ///< the plugin file or configured path; empty for a plugin_config key
  std::string reason;  ///< the full one-line message, e.g. "plugin /x/bad.so refused: ..."
};

struct LoadReport {
  std::vector<LoadedPlugin> loaded;  ///< in load order
  std::vector<PluginRefusal> refused;
};

/// Thrown by load_plugins under OnError::fail when anything was refused. what() has
/// one line per refusal after a summary line.
class PluginLoadError : public std::runtime_error {
 public:
  explicit PluginLoadError(std::vector<PluginRefusal> refusals);
  const std::vector<PluginRefusal>& refusals() const noexcept { return refusals_; }

 private:
  std::vector<PluginRefusal> refusals_;
};

/// Loads every plugin of `options.sources` into `registry` (which must not be frozen;
/// std::logic_error otherwise). Each file is loaded once, however many times it is
/// listed (same device and inode). A refused plugin leaves `registry` as it was and
/// is unloaded again. Does not freeze the registry. Throws PluginLoadError as
/// described for OnError; never lets a plugin's exception escape.
LoadReport load_plugins(const LoaderOptions& options, registry::AgentClassRegistry& registry);

}  // namespace agenthost::plugin_loader
