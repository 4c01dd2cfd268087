#include "plugin_loader/manifest_check.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstddef>
#include <cstring>
#include <string_view>

#include "agenthost/sdk_version.hpp"

namespace agenthost::plugin_loader {

namespace {

using agenthost::PluginManifest;

constexpr std::size_t kAbiMajorEnd = offsetof(PluginManifest, abi_major) + sizeof(std::uint32_t);

std::string sdk() { return fmt::format("agenthost SDK {}.{}", kSdkAbiMajor, kSdkAbiMinor); }

std::string rebuild_hint() { return "rebuild the plugin against " + sdk(); }

// The field as a string when it is NUL-terminated within its array.
template <std::size_t N>
std::optional<std::string_view> terminated(const char (&field)[N]) {
  const std::size_t len = strnlen(field, N);
  if (len == N) return std::nullopt;
  return std::string_view(field, len);
}

template <std::size_t N>
std::optional<ManifestMismatch> unterminated(const char* name, const char (&field)[N]) {
  if (terminated(field)) return std::nullopt;
  return ManifestMismatch{name, fmt::format("a NUL-terminated string of at most {} bytes", N - 1),
                          fmt::format("{:?} without a terminating NUL", std::string_view(field, N)),
                          "the manifest is corrupt: build the plugin with AGENTHOST_PLUGIN"};
}

std::string quoted(std::string_view s) { return fmt::format("{:?}", s); }

bool valid_plugin_name(std::string_view name) {
  if (name.empty()) return false;
  for (char c : name)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-')) return false;
  return true;
}

}  // namespace

std::string ManifestMismatch::message() const {
  return fmt::format("{} is {}, this host needs {} ({})", field, found, expected, hint);
}

const PluginManifest& host_manifest() {
  static constexpr PluginManifest kHost = agenthost::detail::build_manifest("agenthost", "");
  return kHost;
}

PluginManifest read_manifest(const PluginManifest* raw) {
  PluginManifest m{};
  std::uint32_t declared = 0;
  std::memcpy(&declared, raw, sizeof declared);
  std::memcpy(&m, raw, std::min<std::size_t>(declared, sizeof m));
  m.struct_size = declared;
  return m;
}

std::optional<ManifestMismatch> check_manifest(const PluginManifest& found,
                                               const PluginManifest& host) {
  if (found.struct_size < kAbiMajorEnd)
    return ManifestMismatch{"struct_size", fmt::format("at least {}", kAbiMajorEnd),
                            std::to_string(found.struct_size),
                            "the manifest is truncated: " + rebuild_hint()};
  if (found.abi_major != host.abi_major)
    return ManifestMismatch{"abi_major", std::to_string(host.abi_major),
                            std::to_string(found.abi_major), rebuild_hint()};
  // Within one ABI major the manifest only grows, so a full one is at least ours.
  if (found.struct_size < sizeof(PluginManifest))
    return ManifestMismatch{"struct_size", fmt::format("at least {}", sizeof(PluginManifest)),
                            std::to_string(found.struct_size),
                            "the manifest is truncated: " + rebuild_hint()};
  if (found.abi_minor > host.abi_minor)
    return ManifestMismatch{
        "abi_minor", fmt::format("at most {}", host.abi_minor), std::to_string(found.abi_minor),
        fmt::format("the plugin needs a newer host: upgrade agenthost, or {}", rebuild_hint())};

  if (auto bad = unterminated("compiler_id", found.compiler_id)) return bad;
  const auto compiler = *terminated(found.compiler_id);
  if (compiler != "gcc" && compiler != "clang")
    return ManifestMismatch{"compiler_id", "\"gcc\" or \"clang\"", quoted(compiler),
                            "rebuild the plugin with GCC or Clang (the Itanium C++ ABI)"};

  if (auto bad = unterminated("stdlib", found.stdlib)) return bad;
  const auto host_stdlib = *terminated(host.stdlib);
  if (*terminated(found.stdlib) != host_stdlib)
    return ManifestMismatch{"stdlib", quoted(host_stdlib), quoted(*terminated(found.stdlib)),
                            fmt::format("rebuild the plugin against {}", host_stdlib)};
  if (found.stdlib_version > host.stdlib_version)
    return ManifestMismatch{
        "stdlib_version", fmt::format("at most {}", host.stdlib_version),
        std::to_string(found.stdlib_version),
        fmt::format("the plugin was built against a newer libstdc++ than the host has: rebuild "
                    "it with the host's toolchain (libstdc++ {})",
                    host.stdlib_version)};
  if (found.cxx11_abi != host.cxx11_abi)
    return ManifestMismatch{
        "cxx11_abi", std::to_string(host.cxx11_abi), std::to_string(found.cxx11_abi),
        fmt::format("rebuild the plugin with _GLIBCXX_USE_CXX11_ABI={}", host.cxx11_abi)};

  if (auto bad = unterminated("build_type", found.build_type)) return bad;
  const auto host_build = *terminated(host.build_type);
  if (*terminated(found.build_type) != host_build)
    return ManifestMismatch{
        "build_type", quoted(host_build), quoted(*terminated(found.build_type)),
        fmt::format("rebuild the plugin as a {} build, like the host (NDEBUG {})", host_build,
                    host_build == "release" ? "defined" : "not defined")};

  if (auto bad = unterminated("plugin_name", found.plugin_name)) return bad;
  const auto name = *terminated(found.plugin_name);
  if (!valid_plugin_name(name))
    return ManifestMismatch{"plugin_name", "1 to 63 characters of [a-z0-9_-]", quoted(name),
                            "fix the name given to AGENTHOST_PLUGIN"};
  if (auto bad = unterminated("plugin_version", found.plugin_version)) return bad;
  return std::nullopt;
}

}  // namespace agenthost::plugin_loader
