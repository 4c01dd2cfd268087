#include <catch2/catch.hpp>

#include <cstring>
#include <vector>

#include "plugin_loader/manifest_check.hpp"

using agenthost::PluginManifest;
using agenthost::plugin_loader::check_manifest;
using agenthost::plugin_loader::host_manifest;
using agenthost::plugin_loader::read_manifest;

namespace {

PluginManifest good() { return agenthost::detail::build_manifest("good_plugin", "1.2.3"); }

template <std::size_t N>
void set(char (&field)[N], const char* value) {
  agenthost::detail::copy_field(field, N, value);
}

// Checks that `m` is refused for `field` and that the message names what was
// found, what was expected, and a hint.
void require_refused(const PluginManifest& m, const std::string& field, const std::string& found,
                     const std::string& expected, const std::string& hint) {
  const auto mismatch = check_manifest(m);
  REQUIRE(mismatch.has_value());
  CHECK(mismatch->field == field);
  const auto message = mismatch->message();
  INFO(message);
  CHECK_THAT(message, Catch::StartsWith(field + " is " + found));
  CHECK_THAT(message, Catch::Contains("this host needs " + expected));
  CHECK_THAT(message, Catch::Contains(hint));
}

}  // namespace

TEST_CASE("a manifest built like the host's is accepted") {
  CHECK_FALSE(check_manifest(good()).has_value());
  CHECK(std::string(host_manifest().stdlib) == "libstdc++");
}

TEST_CASE("struct_size must cover the fields the host reads") {
  auto m = good();
  m.struct_size = 4;  // not even abi_major
  require_refused(m, "struct_size", "4", "at least 8", "rebuild the plugin against agenthost SDK");
  m.struct_size = 20;  // abi_major readable, the rest not
  require_refused(m, "struct_size", "20", "at least " + std::to_string(sizeof(PluginManifest)),
                  "truncated");
}

TEST_CASE("abi_major must equal the host's, and is checked before the size of the rest") {
  auto m = good();
  m.abi_major = 99;
  require_refused(m, "abi_major", "99", "3", "rebuild the plugin against agenthost SDK 3.0");
  m.struct_size = 12;  // a different major may have a different layout
  CHECK(check_manifest(m)->field == "abi_major");
}

TEST_CASE("abi_minor may be older than the host's, not newer") {
  auto host = good();
  host.abi_minor = 3;
  auto m = good();
  m.abi_minor = 2;
  CHECK_FALSE(check_manifest(m, host).has_value());
  m.abi_minor = 3;
  CHECK_FALSE(check_manifest(m, host).has_value());
  m.abi_minor = 4;
  const auto mismatch = check_manifest(m, host);
  REQUIRE(mismatch);
  CHECK(mismatch->message() ==
        "abi_minor is 4, this host needs at most 3 (the plugin needs a newer host: upgrade "
        "agenthost, or rebuild the plugin against agenthost SDK 3.0)");
}

TEST_CASE("compiler_id must be gcc or clang") {
  auto m = good();
  set(m.compiler_id, "clang");
  CHECK_FALSE(check_manifest(m).has_value());
  set(m.compiler_id, "gcc");
  CHECK_FALSE(check_manifest(m).has_value());
  set(m.compiler_id, "msvc");
  require_refused(m, "compiler_id", "\"msvc\"", "\"gcc\" or \"clang\"", "GCC or Clang");
  std::memset(m.compiler_id, 'x', sizeof m.compiler_id);
  require_refused(m, "compiler_id", "\"xxxxxxxxxxxxxxxx\" without a terminating NUL",
                  "a NUL-terminated string", "AGENTHOST_PLUGIN");
}

TEST_CASE("stdlib must be the host's libstdc++, not newer") {
  auto m = good();
  set(m.stdlib, "libc++");
  require_refused(m, "stdlib", "\"libc++\"", "\"libstdc++\"",
                  "rebuild the plugin against libstdc++");

  m = good();
  m.stdlib_version = host_manifest().stdlib_version + 1;
  require_refused(m, "stdlib_version", std::to_string(m.stdlib_version),
                  "at most " + std::to_string(host_manifest().stdlib_version), "newer libstdc++");
  m.stdlib_version = host_manifest().stdlib_version - 1;
  CHECK_FALSE(check_manifest(m).has_value());
}

TEST_CASE("cxx11_abi must equal the host's") {
  auto m = good();
  m.cxx11_abi = host_manifest().cxx11_abi == 1 ? 0 : 1;
  require_refused(m, "cxx11_abi", std::to_string(m.cxx11_abi),
                  std::to_string(host_manifest().cxx11_abi), "_GLIBCXX_USE_CXX11_ABI=");
}

TEST_CASE("build_type must equal the host's") {
  auto m = good();
  const std::string host_type = host_manifest().build_type;
  const std::string other = host_type == "release" ? "debug" : "release";
  set(m.build_type, other.c_str());
  require_refused(m, "build_type", "\"" + other + "\"", "\"" + host_type + "\"",
                  "rebuild the plugin as a " + host_type + " build");
}

TEST_CASE("plugin_name must be non-empty [a-z0-9_-] and NUL-terminated") {
  auto m = good();
  set(m.plugin_name, "ok-name_2");
  CHECK_FALSE(check_manifest(m).has_value());
  set(m.plugin_name, "");
  require_refused(m, "plugin_name", "\"\"", "1 to 63 characters of [a-z0-9_-]", "AGENTHOST_PLUGIN");
  set(m.plugin_name, "Bad.Name");
  require_refused(m, "plugin_name", "\"Bad.Name\"", "1 to 63 characters", "AGENTHOST_PLUGIN");
  std::memset(m.plugin_name, 'a', sizeof m.plugin_name);
  require_refused(m, "plugin_name", "\"" + std::string(64, 'a') + "\" without a terminating NUL",
                  "a NUL-terminated string of at most 63 bytes", "corrupt");
}

TEST_CASE("plugin_version must be NUL-terminated") {
  auto m = good();
  std::memset(m.plugin_version, '1', sizeof m.plugin_version);
  require_refused(m, "plugin_version", "\"" + std::string(32, '1') + "\" without",
                  "a NUL-terminated string", "corrupt");
}

TEST_CASE("read_manifest reads no further than the declared struct_size") {
  const auto full = good();
  // Bytes after the declared size are poison: read_manifest must not copy them.
  std::vector<unsigned char> bytes(sizeof(PluginManifest), 0xAB);
  std::memcpy(bytes.data(), &full, 12);
  const std::uint32_t declared = 12;
  std::memcpy(bytes.data(), &declared, sizeof declared);
  const auto m = read_manifest(reinterpret_cast<const PluginManifest*>(bytes.data()));
  CHECK(m.struct_size == 12);
  CHECK(m.abi_major == full.abi_major);
  CHECK(m.abi_minor == full.abi_minor);
  CHECK(m.compiler_id[0] == '\0');
  CHECK(m.plugin_version[31] == '\0');
  CHECK(check_manifest(m)->field == "struct_size");

  const auto copy = read_manifest(&full);
  CHECK(std::memcmp(&copy, &full, sizeof full) == 0);
}
