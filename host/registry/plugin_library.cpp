#include "registry/plugin_library.hpp"

#include <cstring>
#include <utility>

namespace agenthost::registry {

namespace {

// The loader has checked that the manifest strings are NUL-terminated; strnlen
// keeps this safe even for a manifest that was not checked.
template <std::size_t N>
std::string field_string(const char (&field)[N]) {
  return std::string(field, strnlen(field, N));
}

}  // namespace

PluginLibrary::PluginLibrary(boost::dll::shared_library library, std::string file,
                             const agenthost::PluginManifest& manifest)
    : library_(std::move(library)),
      file_(std::move(file)),
      manifest_(manifest),
      name_(field_string(manifest.plugin_name)),
      version_(field_string(manifest.plugin_version)) {}

// Out of line so that the unload (shared_library's destructor) happens in one
// known place.
PluginLibrary::~PluginLibrary() = default;

}  // namespace agenthost::registry
