// Problems with the file as a whole: missing, empty, not YAML, not a mapping.

#include <catch2/catch.hpp>

#include "config_test_support.hpp"

namespace agenthost::config::test {

namespace {

std::vector<ConfigIssue> file_issues(const std::filesystem::path& file) {
  try {
    load_config_file(file.string());
  } catch (const ConfigError& e) {
    return e.issues();
  }
  FAIL("accepted " << file);
  return {};
}

}  // namespace

TEST_CASE("a missing file is refused naming it") {
  const TempDir dir;
  const auto file = dir.path() / "absent.yaml";
  const auto issues = file_issues(file);
  REQUIRE(issues.size() == 1);
  CHECK(issues[0].file == file.string());
  CHECK(issues[0].line == 0);
  CHECK(issues[0].to_string() == file.string() + ": cannot read the configuration: no such file");
}

TEST_CASE("a directory given as the file is refused") {
  const TempDir dir;
  const auto issues = file_issues(dir.path());
  REQUIRE(issues.size() == 1);
  CHECK_THAT(issues[0].message, Catch::Contains("is a directory, not a YAML file"));
}

TEST_CASE("an empty file is refused with what it should contain") {
  const TempDir dir;
  for (const char* text : {"", "# only a comment\n\n", "---\n", "~\n"}) {
    INFO("file text: '" << text << "'");
    const auto file = dir.write("agenthost.yaml", text);
    const auto issues = file_issues(file);
    REQUIRE(issues.size() == 1);
    CHECK(issues[0].file == file);
    CHECK(issues[0].line == 1);
    CHECK(issues[0].column == 1);
    CHECK(issues[0].message ==
          "the file has no settings (it is empty or only comments); expected a mapping with the "
          "sections server, database, plugins, limits, workers, logging, auth, retention, models, "
          "model_budgets ('{}' takes every "
          "default)");
  }
}

TEST_CASE("a YAML syntax error is reported with its position") {
  SECTION("an unclosed flow list") {
    const auto issue = only_issue("server:\n  port: 1\nplugins:\n  paths: [a, b\nlimits: {}\n");
    CHECK(issue.line == 5);
    CHECK(issue.column == 7);
    CHECK(issue.path.empty());
    CHECK(issue.message == "YAML syntax error: end of sequence flow not found");
  }
  SECTION("bad indentation") {
    const auto issue = only_issue("server:\n  port: 1\n address: x\n");
    CHECK(issue.line == 3);
    CHECK(issue.column == 2);
    CHECK(issue.message == "YAML syntax error: end of map not found");
  }
}

TEST_CASE("a top level that is not a mapping is refused") {
  const auto issue = only_issue("- server\n- limits\n");
  CHECK(issue.line == 1);
  CHECK(issue.column == 1);
  CHECK(issue.path.empty());
  CHECK(
      issue.message ==
      "expected a mapping with the keys server, database, plugins, limits, workers, logging, auth, "
      "retention, models, model_budgets, got a "
      "list");
}

TEST_CASE("a second YAML document is refused") {
  const auto issue = only_issue("server: {port: 1}\n---\nserver: {port: 2}\n");
  CHECK(issue.line == 3);
  CHECK(issue.column == 1);
  CHECK_THAT(issue.message, Catch::StartsWith("a second YAML document"));
}

TEST_CASE("an error in a file names the file's absolute path") {
  const TempDir dir;
  const auto file = dir.write("conf/agenthost.yaml", "limits:\n  worker_threads: many\n");
  const auto issues = file_issues(file);
  REQUIRE(issues.size() == 1);
  CHECK(issues[0].to_string() ==
        file + ":2:19: limits.worker_threads: expected an integer, got 'many'");
}

}  // namespace agenthost::config::test
