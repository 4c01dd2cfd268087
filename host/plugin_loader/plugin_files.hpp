#pragma once
/// \file
/// From configured plugin sources to the list of plugin files to load: directories
/// expanded, missing paths refused, and each file (device + inode) listed once.

#include <string>
#include <vector>

#include "plugin_loader/plugin_loader.hpp"

namespace agenthost::plugin_loader {

struct PluginFile {
  std::string path;   ///< as listed (a configured file, or directory/name.so)
  std::string where;  ///< the source's configuration location
};

struct PluginFileList {
  std::vector<PluginFile> files;  ///< in source order, directories by file name
  std::vector<PluginRefusal> refused;
};

/// Expands `sources`. A second path to a file already listed (a symlink, or a file
/// listed on its own and inside a listed directory) is dropped: it is the same plugin.
PluginFileList list_plugin_files(const std::vector<PluginSource>& sources);

}  // namespace agenthost::plugin_loader
