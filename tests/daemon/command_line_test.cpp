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

TEST_CASE("command line: --issue-token needs a user and a config, in any order", "[daemon]") {
  const auto cl = parse_command_line({"--config", "a.yaml", "--issue-token", "alice"});
  CHECK(cl.mode == Mode::issue_token);
  CHECK(cl.user == "alice");
  CHECK(cl.path == "a.yaml");
  CHECK(cl.ttl == "24h");
  CHECK(parse_command_line({"--issue-token", "bob", "--ttl", "1h", "--config", "b.yaml"}).ttl ==
        "1h");
  CHECK_THROWS_WITH(parse_command_line({"--issue-token", "alice"}),
                    Catch::Contains("needs --config FILE"));
  CHECK_THROWS_WITH(parse_command_line({"--issue-token"}), Catch::Contains("needs a value"));
  CHECK_THROWS_WITH(parse_command_line({"--issue-token", "a", "--config", "c", "--x", "1"}),
                    Catch::Contains("unexpected argument '--x'"));
}
