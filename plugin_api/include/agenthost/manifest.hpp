#pragma once
/// \file
/// The plugin manifest: the first and only thing the host reads from a plugin before
/// it decides to trust the plugin's code. Plain C layout, fixed-size fields, and its
/// own size first, so that any host can read any manifest version safely.

#include <cstddef>
#include <cstdint>

#include "agenthost/sdk_version.hpp"

namespace agenthost {

/// Field sizes are part of the ABI: never change them within a major version.
struct PluginManifest {
  std::uint32_t struct_size;       ///< sizeof(PluginManifest) as the plugin saw it
  std::uint32_t abi_major;         ///< kSdkAbiMajor of the SDK the plugin was built with
  std::uint32_t abi_minor;         ///< kSdkAbiMinor of the SDK the plugin was built with
  char compiler_id[16];            ///< "gcc" or "clang"
  std::uint32_t compiler_version;  ///< major * 10000 + minor * 100 + patch
  char stdlib[16];                 ///< "libstdc++" (the only standard library supported)
  std::uint32_t stdlib_version;    ///< _GLIBCXX_RELEASE (the libstdc++ major)
  std::int32_t cxx11_abi;          ///< _GLIBCXX_USE_CXX11_ABI (0 or 1)
  char build_type[16];             ///< "release" (NDEBUG) or "debug"
  char plugin_name[64];            ///< NUL-terminated, [a-z0-9_-]
  char plugin_version[32];         ///< NUL-terminated, free-form (semver expected)
};

/// The manifest fields of this translation unit's build. Used by AGENTHOST_PLUGIN;
/// the host computes the same for itself and compares field by field.
namespace detail {

inline constexpr void copy_field(char* dst, std::size_t cap, const char* src) {
  std::size_t i = 0;
  for (; src[i] != '\0' && i + 1 < cap; ++i) dst[i] = src[i];
  for (; i < cap; ++i) dst[i] = '\0';
}

inline constexpr PluginManifest build_manifest(const char* name, const char* version) {
  PluginManifest m{};
  m.struct_size = sizeof(PluginManifest);
  m.abi_major = kSdkAbiMajor;
  m.abi_minor = kSdkAbiMinor;
#if defined(__clang__)
  copy_field(m.compiler_id, sizeof m.compiler_id, "clang");
  m.compiler_version = __clang_major__ * 10000 + __clang_minor__ * 100 + __clang_patchlevel__;
#elif defined(__GNUC__)
  copy_field(m.compiler_id, sizeof m.compiler_id, "gcc");
  m.compiler_version = __GNUC__ * 10000 + __GNUC_MINOR__ * 100 + __GNUC_PATCHLEVEL__;
#else
#error "agenthost plugins are built with GCC or Clang (Itanium C++ ABI)"
#endif
#if defined(_GLIBCXX_RELEASE)
  copy_field(m.stdlib, sizeof m.stdlib, "libstdc++");
  m.stdlib_version = _GLIBCXX_RELEASE;
  m.cxx11_abi = _GLIBCXX_USE_CXX11_ABI;
#else
#error "agenthost plugins are built against libstdc++, like the host"
#endif
#if defined(NDEBUG)
  copy_field(m.build_type, sizeof m.build_type, "release");
#else
  copy_field(m.build_type, sizeof m.build_type, "debug");
#endif
  copy_field(m.plugin_name, sizeof m.plugin_name, name);
  copy_field(m.plugin_version, sizeof m.plugin_version, version);
  return m;
}

}  // namespace detail
}  // namespace agenthost
