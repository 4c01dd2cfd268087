// The manifest is read from the plugin file's bytes and checked before the file is
// loaded: an incompatible plugin's static constructors never run.
#include <catch2/catch.hpp>

#include <stdlib.h>

#include <cstring>
#include <filesystem>

#include "loader_test_support.hpp"
#include "plugin_loader/elf_manifest.hpp"
#include "support/temp_dir.hpp"

using namespace agenthost::testing;
using agenthost::plugin_loader::manifest_from_elf_file;
using agenthost::plugin_loader::OnError;
using agenthost::registry::AgentClassRegistry;

TEST_CASE("the manifest of a plugin built with AGENTHOST_PLUGIN is read from its file") {
  const auto manifest = manifest_from_elf_file(example_plugin("echo"));
  REQUIRE(manifest.has_value());
  CHECK(std::strcmp(manifest->plugin_name, "echo") == 0);
  CHECK(manifest->struct_size == sizeof(agenthost::PluginManifest));
  CHECK(manifest->abi_major == agenthost::kSdkAbiMajor);
  // No manifest data: hand-built aliases only (an older SDK), or not ELF at all.
  CHECK_FALSE(manifest_from_elf_file(test_plugin("bad_abi_major")).has_value());
  CHECK_FALSE(manifest_from_elf_file(test_plugin("not_a_library")).has_value());
  CHECK_FALSE(manifest_from_elf_file(kTestPluginDir + "/absent.so").has_value());
}

TEST_CASE("an incompatible plugin is refused before its static constructors run") {
  TempDir dir;
  const auto marker = dir / "constructed";
  REQUIRE(::setenv("AGENTHOST_TEST_CONSTRUCTOR_MARKER", marker.c_str(), 1) == 0);
  AgentClassRegistry registry;
  const auto report =
      load(registry, {kTestPluginDir + "/never_loaded/constructor_marker.so"}, OnError::skip);
  ::unsetenv("AGENTHOST_TEST_CONSTRUCTOR_MARKER");
  REQUIRE(report.refused.size() == 1);
  CHECK_THAT(report.refused[0].reason, Catch::Contains("abi_major is 99"));
  CHECK_FALSE(std::filesystem::exists(marker));  // dlopen would have written it
}
