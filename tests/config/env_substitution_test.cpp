// ${VAR}, ${VAR:-default} and $$ in scalars: the expander alone, and inside a loaded file.

#include <catch2/catch.hpp>

#include <map>

#include "config/env_substitution.hpp"
#include "config_test_support.hpp"

namespace agenthost::config::test {

namespace {

EnvLookup fake_env(std::map<std::string, std::string> vars) {
  return [vars = std::move(vars)](const std::string& name) -> std::optional<std::string> {
    const auto found = vars.find(name);
    if (found == vars.end()) return std::nullopt;
    return found->second;
  };
}

}  // namespace

TEST_CASE("expand_environment substitutes, defaults and escapes") {
  const auto env = fake_env({{"HOST", "db.internal"}, {"EMPTY", ""}, {"PORT", "5432"}});
  auto expand = [&](std::string_view text) {
    auto result = expand_environment(text, env);
    INFO(text);
    REQUIRE(result.errors.empty());
    return result.text;
  };
  CHECK(expand("no references") == "no references");
  CHECK(expand("${HOST}:${PORT}") == "db.internal:5432");
  CHECK(expand("${MISSING:-fallback}") == "fallback");
  CHECK(expand("${HOST:-fallback}") == "db.internal");
  CHECK(expand("${EMPTY:-fallback}") == "fallback");  // shell semantics of ':-'
  CHECK(expand("${EMPTY}") == "");
  CHECK(expand("${MISSING:-}") == "");
  CHECK(expand("${MISSING:-/usr/lib/a:b}") == "/usr/lib/a:b");
  CHECK(expand("cost: $$5") == "cost: $5");
  CHECK(expand("$${HOST}") == "${HOST}");
  CHECK(expand("$$$$") == "$$");
}

TEST_CASE("expand_environment refuses unset variables and malformed references") {
  const auto env = fake_env({});
  auto errors = [&](std::string_view text) { return expand_environment(text, env).errors; };

  const auto unset = errors("${DB_PASSWORD}");
  REQUIRE(unset.size() == 1);
  CHECK(unset[0] ==
        "environment variable DB_PASSWORD is not set (used as ${DB_PASSWORD}); set it, or write "
        "${DB_PASSWORD:-default} to give a default");
  CHECK(errors("${A}-${B}").size() == 2);
  CHECK_THAT(errors("price $5").at(0), Catch::StartsWith("a lone '$' at offset 6"));
  CHECK_THAT(errors("trailing $").at(0), Catch::StartsWith("a lone '$'"));
  CHECK_THAT(errors("${UNCLOSED").at(0), Catch::Contains("has no closing '}'"));
  CHECK_THAT(errors("${1ABC}").at(0), Catch::Contains("does not name a variable"));
  CHECK_THAT(errors("${}").at(0), Catch::Contains("does not name a variable"));
}

TEST_CASE("an unset variable in the file is refused naming it and its position") {
  ScopedEnv unset("AGENTHOST_TEST_UNSET_PASSWORD", std::nullopt);
  const auto issue =
      only_issue("database:\n  url: postgresql://app:${AGENTHOST_TEST_UNSET_PASSWORD}@db/app\n");
  CHECK(issue.line == 2);
  CHECK(issue.column == 8);
  CHECK(issue.path == "database.url");
  CHECK_THAT(issue.message,
             Catch::StartsWith("environment variable AGENTHOST_TEST_UNSET_PASSWORD is not set"));
}

TEST_CASE("a set variable is substituted in strings, numbers and durations") {
  ScopedEnv password("AGENTHOST_TEST_PASSWORD", "s3cret");
  ScopedEnv port("AGENTHOST_TEST_PORT", "9000");
  ScopedEnv timeout("AGENTHOST_TEST_TIMEOUT", "90s");
  const auto config = load(
      "server:\n  port: ${AGENTHOST_TEST_PORT}\n"
      "database:\n  url: postgresql://app:${AGENTHOST_TEST_PASSWORD}@db/app\n"
      "limits:\n  run_timeout: \"${AGENTHOST_TEST_TIMEOUT}\"\n");
  CHECK(config.server.port == 9000);
  CHECK(config.database.url == "postgresql://app:s3cret@db/app");
  CHECK(config.limits.run_timeout == std::chrono::seconds(90));
}

TEST_CASE("the default form applies when the variable is unset") {
  ScopedEnv unset("AGENTHOST_TEST_UNSET_PORT", std::nullopt);
  const auto config = load(
      "server:\n  port: \"${AGENTHOST_TEST_UNSET_PORT:-8181}\"\n"
      "  address: \"${AGENTHOST_TEST_UNSET_PORT:-0.0.0.0}\"\n");
  CHECK(config.server.port == 8181);
  CHECK(config.server.address == "0.0.0.0");
}

TEST_CASE("a substituted value is still validated at the scalar's position") {
  ScopedEnv port("AGENTHOST_TEST_BAD_PORT", "http");
  const auto issue = only_issue("server:\n  port: ${AGENTHOST_TEST_BAD_PORT}\n");
  CHECK(issue.line == 2);
  CHECK(issue.column == 9);
  CHECK(issue.message == "expected an integer, got 'http'");
}

TEST_CASE("$$ in the file is a literal dollar and a lone $ is refused") {
  const TempDir dir;
  const auto config =
      load_config_string("server:\n  data_dir: cost$$dir\n", "t.yaml", dir.path().string());
  CHECK(config.server.data_dir == (dir.path() / "cost$dir").string());

  const auto issue = only_issue("server:\n  data_dir: $HOME/state\n");
  CHECK(issue.line == 2);
  CHECK(issue.column == 13);
  CHECK_THAT(issue.message, Catch::Contains("'$$' for a literal '$'"));
}

}  // namespace agenthost::config::test
