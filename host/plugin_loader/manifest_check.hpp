#pragma once
/// \file
/// The compatibility check run on a plugin's manifest before any other plugin code
/// is called. Pure functions, so every field's rule is unit-testable without a
/// shared library.

#include <optional>
#include <string>

#include "agenthost/manifest.hpp"

namespace agenthost::plugin_loader {

/// Why a manifest is refused: the field, what the host expected, what the plugin
/// has, and what to do about it.
struct ManifestMismatch {
  std::string field;     ///< "abi_major", "build_type", ...
  std::string expected;  ///< as shown to the operator, e.g. "1" or "\"release\""
  std::string found;
  std::string hint;  ///< what to do, e.g. "rebuild the plugin against agenthost SDK 1.0"
  /// "abi_major is 99, this host needs 3 (rebuild the plugin against agenthost SDK 3.0)"
  std::string message() const;
};

/// The manifest of the host's own build (agenthost::detail::build_manifest compiled
/// into the host), which plugins are compared with.
const agenthost::PluginManifest& host_manifest();

/// Copies the manifest the plugin returned, reading only the `struct_size` bytes the
/// plugin declared (at most sizeof(PluginManifest)) and zero-filling the rest, so an
/// older, shorter manifest is never read past its end.
agenthost::PluginManifest read_manifest(const agenthost::PluginManifest* raw);

/// Compares `found` (from read_manifest) with `host` field by field, in the order the
/// host reads them: struct_size must cover each field before it is looked at,
/// abi_major equal, abi_minor <= host's, compiler_id gcc or clang, stdlib libstdc++,
/// stdlib_version <= host's, cxx11_abi equal, build_type equal, plugin_name non-empty
/// [a-z0-9_-], every string NUL-terminated. Returns the first mismatch, or nullopt.
std::optional<ManifestMismatch> check_manifest(
    const agenthost::PluginManifest& found,
    const agenthost::PluginManifest& host = host_manifest());

}  // namespace agenthost::plugin_loader
