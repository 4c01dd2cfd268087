// A plugin that must never be loaded: its manifest data says abi_major 99, and its
// static constructor writes the file named by AGENTHOST_TEST_CONSTRUCTOR_MARKER. A
// host that checks the manifest from the file's bytes refuses it without the file
// appearing; one that loads it first (dlopen) runs the constructor.

#include <agenthost/plugin.hpp>

#include <cstdlib>
#include <fstream>

extern "C" BOOST_SYMBOL_EXPORT const agenthost::PluginManifest agenthost_plugin_manifest_data;

namespace {

struct Marker {
  Marker() {
    if (const char* path = std::getenv("AGENTHOST_TEST_CONSTRUCTOR_MARKER"))
      std::ofstream(path) << "the static constructor ran\n";
  }
} const kMarker;

constexpr agenthost::PluginManifest incompatible() {
  auto m = agenthost::detail::build_manifest("constructor_marker", "1.0.0");
  m.abi_major = 99;
  return m;
}

const agenthost::PluginManifest* manifest() noexcept { return &agenthost_plugin_manifest_data; }

}  // namespace

constexpr agenthost::PluginManifest agenthost_plugin_manifest_data = incompatible();

BOOST_DLL_ALIAS(manifest, agenthost_plugin_manifest)
