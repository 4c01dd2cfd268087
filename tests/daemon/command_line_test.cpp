#include <catch2/catch.hpp>

#include "daemon/command_line.hpp"

using agenthost::daemon::Mode;
using agenthost::daemon::parse_command_line;
using agenthost::daemon::UsageError;

TEST_CASE("command line: each mode with its file", "[daemon]") {
  CHECK(parse_command_line({"--config", "a.yaml"}).mode == Mode::serve);
  CHECK(parse_command_line({"--config", "a.yaml"}).path == "a.yaml");
  CHECK(parse_command_line({"--config=b.yaml"}).path == "b.yaml");
  CHECK(parse_command_line({"--check-config", "c.yaml"}).mode == Mode::check_config);
  CHECK(parse_command_line({"--check-plugin", "p.so"}).mode == Mode::check_plugin);
  CHECK(parse_command_line({"--version"}).mode == Mode::version);
  CHECK(parse_command_line({"--help"}).mode == Mode::help);
}

TEST_CASE("command line: refusals say what is wrong", "[daemon]") {
  CHECK_THROWS_WITH(parse_command_line({}), Catch::Contains("--config FILE"));
  CHECK_THROWS_WITH(parse_command_line({"--config"}), Catch::Contains("--config needs a file"));
  CHECK_THROWS_WITH(parse_command_line({"--config="}), Catch::Contains("--config needs a file"));
  CHECK_THROWS_WITH(parse_command_line({"--confg", "x"}),
                    Catch::Contains("unknown option '--confg'"));
  CHECK_THROWS_WITH(parse_command_line({"--config", "a", "b"}),
                    Catch::Contains("unexpected argument 'b'"));
  CHECK_THROWS_WITH(parse_command_line({"--version=3"}), Catch::Contains("takes no value"));
  CHECK_THROWS_AS(parse_command_line({"serve"}), UsageError);
}
