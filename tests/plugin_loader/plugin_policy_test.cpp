#include <catch2/catch.hpp>

#include <boost/json/parse.hpp>

#include <filesystem>

#include "fake_services.hpp"
#include "loader_test_support.hpp"
#include "support/temp_dir.hpp"

using namespace agenthost::testing;
using agenthost::plugin_loader::OnError;
using agenthost::plugin_loader::PluginLoadError;
using agenthost::registry::AgentClassRegistry;

namespace {

// Every plugin in the test directory except crashers and testagents fails when echo.so
// is loaded first (clash_echo clashes with it).
const std::vector<std::string> kBroken = {
    "bad_abi_major", "bad_abi_minor", "bad_schema",        "clash_echo",       "no_manifest",
    "no_register",   "not_a_library", "throwing_register", "unresolved_symbol"};

}  // namespace

TEST_CASE("on_error fail tries every plugin, then throws listing every refusal") {
  AgentClassRegistry registry;
  try {
    load(registry, {example_plugin("echo"), kTestPluginDir}, OnError::fail);
    FAIL("load_plugins did not throw");
  } catch (const PluginLoadError& e) {
    REQUIRE(e.refusals().size() == kBroken.size());
    const std::string what = e.what();
    CHECK_THAT(what, Catch::StartsWith("9 plugin problems (plugins.on_error is fail"));
    for (std::size_t i = 0; i < kBroken.size(); ++i) {
      CHECK(e.refusals()[i].file == test_plugin(kBroken[i]));
      CHECK_THAT(what, Catch::Contains("\n  plugin " + test_plugin(kBroken[i]) + " refused: "));
    }
  }
  // Tried all: testagents, after the broken ones in name order, was still loaded.
  CHECK(registry.find_agent("sleepy") != nullptr);
}

TEST_CASE("on_error skip returns the refusals and loads the other plugins") {
  AgentClassRegistry registry;
  const auto report = load(registry, {example_plugin("echo"), kTestPluginDir}, OnError::skip);
  REQUIRE(report.refused.size() == kBroken.size());
  for (std::size_t i = 0; i < kBroken.size(); ++i)
    CHECK(report.refused[i].file == test_plugin(kBroken[i]));
  REQUIRE(report.loaded.size() == 3);
  CHECK(report.loaded[0].name == "echo");
  CHECK(report.loaded[1].name == "crashers");
  CHECK(report.loaded[2].name == "testagents");
  CHECK(contents(registry) ==
        std::vector<std::string>{
            "agent:chatty", "agent:crash_abort", "agent:crash_exit", "agent:crash_resumable",
            "agent:crash_segfault", "agent:crash_terminate", "agent:dbwriter", "agent:durable",
            "agent:echo", "agent:failing", "agent:hang", "agent:memory_hog", "agent:sleepy",
            "agent:throwing_ctor", "agent:throwing_dtor", "agent:toolcaller",
            "tool:testagents.forecast", "tool:testagents.record"});
  CHECK(registry.find_agent("echo")->plugin_name == "echo");
}

TEST_CASE("one file reached by several paths is one plugin") {
  TempDir dir;
  std::filesystem::create_symlink(example_plugin("echo"), dir / "linked_echo.so");
  AgentClassRegistry registry;
  // By path, through a symlink, and inside a listed directory.
  const auto report =
      load(registry, {example_plugin("echo"), dir / "linked_echo.so", kPluginDir}, OnError::fail);
  CHECK(report.refused.empty());
  REQUIRE(report.loaded.size() == 4);
  CHECK(report.loaded[0].file == example_plugin("echo"));
  CHECK(report.loaded[1].name == "approval");
  CHECK(report.loaded[2].name == "assistant");
  CHECK(report.loaded[3].name == "triage");
}

TEST_CASE("two different files with the same plugin name: the second is refused") {
  TempDir dir;
  std::filesystem::copy_file(example_plugin("echo"), dir / "echo_copy.so");
  AgentClassRegistry registry;
  const auto report = load(registry, {example_plugin("echo"), dir / "echo_copy.so"}, OnError::skip);
  REQUIRE(report.loaded.size() == 1);
  REQUIRE(report.refused.size() == 1);
  CHECK(report.refused[0].reason ==
        "plugin " + (dir / "echo_copy.so") + " refused: plugin name \"echo\" is already used by " +
            example_plugin("echo") +
            ": load only one of them, or give one another name in AGENTHOST_PLUGIN");
}

TEST_CASE("a directory loads its .so files in name order and ignores other files") {
  TempDir dir;
  std::filesystem::copy_file(example_plugin("triage"), dir / "a_triage.so");
  std::filesystem::copy_file(example_plugin("echo"), dir / "b_echo.so");
  std::filesystem::copy_file(example_plugin("echo"), dir / "echo.so.disabled");
  std::filesystem::create_directory(dir / "nested");
  std::filesystem::copy_file(test_plugin("bad_abi_major"), dir.path() / "nested" / "bad.so");
  AgentClassRegistry registry;
  const auto report = load(registry, {dir.path().string()}, OnError::fail);
  REQUIRE(report.loaded.size() == 2);
  CHECK(report.loaded[0].file == dir / "a_triage.so");
  CHECK(report.loaded[1].file == dir / "b_echo.so");
}

TEST_CASE("plugin_config reaches its plugin") {
  AgentClassRegistry registry;
  const auto config = boost::json::parse(
      R"({"categories": {"weather": ["rain", "snow"], "billing": ["invoice"]},
          "default_category": "other"})");
  load(registry, {kPluginDir}, OnError::fail, {{"triage", config}});
  const auto* tool = registry.find_tool("triage.keyword_classifier");
  REQUIRE(tool != nullptr);
  const auto context = test_context("triage");
  CHECK(tool->handler(context, {{"text", "Snow and RAIN all week"}}) ==
        boost::json::parse(R"({"category": "weather", "matched": ["rain", "snow"]})"));
  CHECK(tool->handler(context, {{"text", "hello"}}) ==
        boost::json::parse(R"({"category": "other", "matched": []})"));
}

TEST_CASE("a plugin_config section for no plugin is refused, naming the key") {
  AgentClassRegistry registry;
  const auto report = load(registry, {kPluginDir}, OnError::skip,
                           {{"triage", nullptr}, {"traige", boost::json::object{}}});
  REQUIRE(report.refused.size() == 1);
  CHECK(report.refused[0].file.empty());
  CHECK(report.refused[0].reason ==
        "plugin_config has a section \"traige\" but no plugin is named \"traige\" (loaded "
        "plugins: approval, assistant, echo, triage): fix the name or remove the section");
  CHECK(report.loaded.size() == 4);

  AgentClassRegistry other;
  CHECK_THROWS_AS(load(other, {kPluginDir}, OnError::fail, {{"traige", nullptr}}), PluginLoadError);
}
