// Plugin files and directories others can write are refused before they are opened
// (their code would run as the host), with the path, the mode and the fix.
#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <filesystem>

#include "loader_test_support.hpp"
#include "support/temp_dir.hpp"

using namespace agenthost::testing;
using agenthost::plugin_loader::OnError;
using agenthost::registry::AgentClassRegistry;
namespace fs = std::filesystem;

namespace {

// A copy of echo.so in a fresh directory (mode 0700), with `file_mode`.
std::string echo_copy(const TempDir& dir, mode_t file_mode) {
  const auto file = dir / "echo.so";
  fs::copy_file(example_plugin("echo"), file);
  REQUIRE(::chmod(file.c_str(), file_mode) == 0);
  return file;
}

// The refusal's reason for `what` (a path) with `mode`, writable by `who`.
std::string writable(const std::string& what, const std::string& mode, const std::string& who) {
  return what + " has mode " + mode + ": it is writable by " + who +
         ", who could put code into the host; run chmod go-w ";
}

}  // namespace

TEST_CASE("a plugin file its group or everyone can write is refused, naming its mode") {
  TempDir dir;
  const auto file = echo_copy(dir, 0664);
  AgentClassRegistry registry;
  auto report = load(registry, {file}, OnError::skip);
  CHECK(report.loaded.empty());
  REQUIRE(report.refused.size() == 1);
  CHECK(report.refused[0].reason ==
        "plugin " + file + " refused: " + writable("the file " + file, "0664", "its group") + file +
            " (configured at test:0)");

  REQUIRE(::chmod(file.c_str(), 0757) == 0);
  AgentClassRegistry again;
  report = load(again, {file}, OnError::skip);
  REQUIRE(report.refused.size() == 1);
  CHECK_THAT(report.refused[0].reason,
             Catch::Contains("has mode 0757: it is writable by everyone"));

  REQUIRE(::chmod(file.c_str(), 0755) == 0);
  AgentClassRegistry fixed;
  report = load(fixed, {file}, OnError::fail);
  CHECK(report.loaded.size() == 1);
}

TEST_CASE("a plugin directory others can write is refused, and so is a file listed inside one") {
  TempDir dir;
  const auto file = echo_copy(dir, 0755);
  REQUIRE(::chmod(dir.path().c_str(), 0777) == 0);
  const auto where = dir.path().string();

  AgentClassRegistry registry;
  auto report = load(registry, {where}, OnError::skip);
  CHECK(report.loaded.empty());
  REQUIRE(report.refused.size() == 1);
  CHECK(report.refused[0].file == where);
  CHECK(report.refused[0].reason == writable("plugin directory " + where, "0777", "everyone") +
                                        where + " (configured at test:0)");

  // Named on its own: whoever can write the directory can replace the file.
  AgentClassRegistry by_file;
  report = load(by_file, {file}, OnError::skip);
  REQUIRE(report.refused.size() == 1);
  CHECK(report.refused[0].reason ==
        "plugin " + file + " refused: " + writable("its directory " + where, "0777", "everyone") +
            where + " (configured at test:0)");

  // A symlink from a trusted place does not hide where the file really is.
  TempDir trusted;
  fs::create_symlink(file, trusted / "echo.so");
  AgentClassRegistry by_link;
  report = load(by_link, {trusted / "echo.so"}, OnError::skip);
  REQUIRE(report.refused.size() == 1);
  CHECK_THAT(report.refused[0].reason,
             Catch::Contains("its directory " + where + " has mode 0777"));
}

TEST_CASE("under plugins.on_error fail a writable plugin file stops the load") {
  TempDir dir;
  const auto file = echo_copy(dir, 0666);
  AgentClassRegistry registry;
  CHECK_THROWS_WITH(load(registry, {file}, OnError::fail),
                    Catch::Contains("has mode 0666: it is writable by everyone"));
}
