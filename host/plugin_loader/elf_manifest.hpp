#pragma once
/// \file
/// The plugin manifest read from the plugin file itself, before the file is loaded:
/// AGENTHOST_PLUGIN exports the manifest as constant data (the symbol
/// agenthost_plugin_manifest_data), so its bytes are in the file. Reading them runs
/// none of the plugin's code (dlopen would run its static constructors first).

#include <optional>
#include <string>

#include "agenthost/manifest.hpp"

namespace agenthost::plugin_loader {

/// The manifest bytes of the 64-bit little-endian ELF file `path`, from its dynamic
/// symbol table; nullopt when the file is not such an ELF file or exports no
/// manifest data (a plugin built with an older SDK: then only loading it tells).
/// Never throws for a bad file: every offset is checked against the file's size.
std::optional<agenthost::PluginManifest> manifest_from_elf_file(const std::string& path);

}  // namespace agenthost::plugin_loader
