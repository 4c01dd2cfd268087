// Each class of schema error, with the exact position and key path it is reported at.

#include <catch2/catch.hpp>

#include "config_test_support.hpp"

namespace agenthost::config::test {

namespace {

void check(const ConfigIssue& issue, int line, int column, const std::string& path) {
  INFO(issue.to_string());
  CHECK(issue.file == kTestFile);
  CHECK(issue.line == line);
  CHECK(issue.column == column);
  CHECK(issue.path == path);
}

}  // namespace

TEST_CASE("an unknown top-level key is refused with a suggestion and the allowed keys") {
  const auto issue = only_issue("# agenthost\nservr:\n  port: 1\n");
  check(issue, 2, 1, "servr");
  CHECK(issue.message ==
        "unknown key 'servr'; did you mean 'server'? allowed keys here: server, database, "
        "plugins, limits, workers, logging, auth, retention, models, model_budgets");
  CHECK(issue.to_string() == "test.yaml:2:1: servr: " + issue.message);
}

TEST_CASE("an unknown nested key is refused with a suggestion and the allowed keys") {
  const auto issue = only_issue("limits:\n  worker_threads: 4\n  max_queued_run_per_user: 5\n");
  check(issue, 3, 3, "limits.max_queued_run_per_user");
  CHECK(issue.message ==
        "unknown key 'max_queued_run_per_user'; did you mean 'max_queued_runs_per_user'? allowed "
        "keys here: max_concurrent_runs_per_user, max_queued_runs_per_user, run_timeout, "
        "cancel_grace, "
        "input_timeout, max_waiting_runs_per_user, max_run_resumes, worker_threads, "
        "max_active_runs, blocking_threads, fiber_stack_kib, max_result_bytes");
}

TEST_CASE("an unknown key far from every allowed key gets no suggestion") {
  const auto issue = only_issue("logging:\n  colour: red\n");
  check(issue, 2, 3, "logging.colour");
  CHECK(issue.message == "unknown key 'colour'; allowed keys here: level, format");
}

TEST_CASE("a transposed key is suggested") {
  const auto issue = only_issue("server:\n  prot: 80\n");
  check(issue, 2, 3, "server.prot");
  CHECK_THAT(issue.message, Catch::Contains("did you mean 'port'?"));
}

TEST_CASE("a string where an integer belongs is refused") {
  const auto issue = only_issue("server:\n  port: eighty\n");
  check(issue, 2, 9, "server.port");
  CHECK(issue.message == "expected an integer, got 'eighty'");
}

TEST_CASE("a fraction where an integer belongs is refused") {
  const auto issue = only_issue("database:\n  pool_size: 2.5\n");
  check(issue, 2, 14, "database.pool_size");
  CHECK(issue.message == "expected an integer, got '2.5'");
}

TEST_CASE("a list where a section mapping belongs is refused") {
  const auto issue = only_issue("server: {port: 1}\nlogging: [1, 2]\n");
  check(issue, 2, 10, "logging");
  CHECK(issue.message == "expected a mapping with the keys level, format, got a list");
}

TEST_CASE("a mapping where a scalar belongs is refused") {
  const auto issue = only_issue("logging:\n  level:\n    name: info\n");
  check(issue, 3, 5, "logging.level");
  CHECK(issue.message == "expected a string, got a mapping");
}

TEST_CASE("a list where a scalar belongs is refused") {
  const auto issue = only_issue("limits:\n  run_timeout: [5s]\n");
  check(issue, 2, 16, "limits.run_timeout");
  CHECK(issue.message == "expected a duration such as 500ms, 30s or 5m, got a list");
}

TEST_CASE("a key without a value is refused at the key") {
  // yaml-cpp places an empty value at the next token; the report must point at the key.
  const auto issue = only_issue("server:\n  port:\n  address: 127.0.0.1\n");
  check(issue, 2, 3, "server.port");
  CHECK(issue.message == "no value given; expected an integer");
}

TEST_CASE("a section without keys takes the defaults") {
  const auto config = load("server:\nlimits:\n");
  CHECK(config.server.port == 8080);
  CHECK(config.limits.worker_threads == 4);
}

TEST_CASE("values out of range are refused with the allowed range") {
  SECTION("below the minimum") {
    const auto issue = only_issue("limits:\n  max_concurrent_runs_per_user: 0\n");
    check(issue, 2, 33, "limits.max_concurrent_runs_per_user");
    CHECK(issue.message == "0 is out of range; allowed: 1 .. 1000");
  }
  SECTION("negative for a count") {
    const auto issue = only_issue("limits:\n  max_queued_runs_per_user: -1\n");
    check(issue, 2, 29, "limits.max_queued_runs_per_user");
    CHECK(issue.message == "-1 is out of range; allowed: 0 .. 100000");
  }
  SECTION("beyond the port range") {
    const auto issue = only_issue("server:\n  port: 70000\n");
    check(issue, 2, 9, "server.port");
    CHECK(issue.message == "70000 is out of range; allowed: 0 .. 65535");
  }
  SECTION("message size below 1 KiB") {
    const auto issue = only_issue("server:\n  max_message_bytes: 100\n");
    CHECK(issue.message == "100 is out of range; allowed: 1024 .. 67108864");
  }
  SECTION("a duration above the maximum") {
    const auto issue = only_issue("limits:\n  run_timeout: 25h\n");
    check(issue, 2, 16, "limits.run_timeout");
    CHECK(issue.message == "25h is out of range; allowed: 1s .. 24h");
  }
  SECTION("too large for any integer") {
    const auto issue = only_issue("limits:\n  worker_threads: 99999999999999999999\n");
    CHECK(issue.message == "'99999999999999999999' is too large for an integer setting");
  }
}

TEST_CASE("the boundaries of a range are accepted") {
  const auto config = load(
      "server: {port: 0, max_message_bytes: 67108864}\n"
      "limits: {max_concurrent_runs_per_user: 1000, max_queued_runs_per_user: 0,"
      " run_timeout: 1s, worker_threads: 1}\n");
  CHECK(config.server.port == 0);
  CHECK(config.server.max_message_bytes == 67108864u);
  CHECK(config.limits.max_concurrent_runs_per_user == 1000u);
  CHECK(config.limits.max_queued_runs_per_user == 0u);
  CHECK(config.limits.run_timeout == std::chrono::seconds(1));
  CHECK(config.limits.worker_threads == 1u);
}

TEST_CASE("a bad enum value is refused with the choices") {
  SECTION("format") {
    const auto issue = only_issue("logging:\n  format: xml\n");
    check(issue, 2, 11, "logging.format");
    CHECK(issue.message == "'xml' is not allowed; choose one of: text, json");
  }
  SECTION("on_error, with a suggestion") {
    const auto issue = only_issue("plugins:\n  on_error: skp\n");
    check(issue, 2, 13, "plugins.on_error");
    CHECK(issue.message == "'skp' is not allowed; did you mean 'skip'? choose one of: fail, skip");
  }
  SECTION("level") {
    const auto issue = only_issue("logging:\n  level: verbose\n");
    check(issue, 2, 10, "logging.level");
    CHECK(issue.message ==
          "'verbose' is not allowed; choose one of: trace, debug, info, warn, error, critical, "
          "off");
  }
}

TEST_CASE("a duration without a unit or with a fraction is refused") {
  const auto issues = issues_of(
      "server:\n  idle_timeout: 30\n"
      "database:\n  busy_timeout: 1.5s\n"
      "limits:\n  run_timeout: 5 min\n");
  REQUIRE(issues.size() == 3);
  check(issues[0], 2, 17, "server.idle_timeout");
  CHECK(issues[0].message ==
        "expected a duration such as 500ms, 30s or 5m (units: ms, s, m, h), got '30'");
  check(issues[1], 4, 17, "database.busy_timeout");
  CHECK_THAT(issues[1].message, Catch::EndsWith("got '1.5s'"));
  check(issues[2], 6, 16, "limits.run_timeout");
  CHECK_THAT(issues[2].message, Catch::EndsWith("got '5 min'"));
}

TEST_CASE("a duplicate key is refused at its second occurrence") {
  const auto issue = only_issue("server:\n  port: 1\n  port: 2\n");
  check(issue, 3, 3, "server.port");
  CHECK(issue.message == "duplicate key 'port' (first given at line 2); keep only one");
}

TEST_CASE("a listen address that is not an IP literal is refused") {
  const auto issue = only_issue("server:\n  address: example.com\n");
  check(issue, 2, 12, "server.address");
  CHECK_THAT(issue.message, Catch::StartsWith("'example.com' is not an IPv4 or IPv6 address"));
  CHECK(load("server: {address: '::1'}").server.address == "::1");
  CHECK(load("server: {address: 0.0.0.0}").server.address == "0.0.0.0");
}

TEST_CASE("server.address localhost is refused by the check, not at start-up") {
  // The listener binds literals only (HttpServer::start); a config the check passes
  // must start.
  const auto issue = only_issue("server:\n  address: localhost\n");
  check(issue, 2, 12, "server.address");
  CHECK(issue.message ==
        "'localhost' is a host name, and the listener binds an address; write 127.0.0.1 (or "
        "::1 for IPv6)");
}

TEST_CASE("an unsupported database URL is refused without echoing it") {
  const auto issue = only_issue("database:\n  url: mysql://root:s3cret@db/agents\n");
  check(issue, 2, 8, "database.url");
  CHECK(issue.message ==
        "unsupported database URL (scheme 'mysql'); use 'sqlite:PATH' (PATH relative to the "
        "config file's directory) or 'postgresql://user:password@host:port/dbname'");
  CHECK_THAT(issue.message, !Catch::Contains("s3cret"));
  CHECK_THAT(only_issue("database: {url: 'sqlite:'}").message,
             Catch::StartsWith("'sqlite:' without a file path"));
}

TEST_CASE("several errors in one file are reported together, in file order") {
  const std::string yaml =
      "server:\n"
      "  port: high\n"       // 2: wrong type
      "  adress: 0.0.0.0\n"  // 3: unknown key
      "limits:\n"
      "  worker_threads: 0\n"  // 5: out of range
      "logging:\n"
      "  format: xml\n"   // 7: bad choice
      "telemetry: {}\n";  // 8: unknown section
  const auto issues = issues_of(yaml);
  REQUIRE(issues.size() == 5);
  check(issues[0], 2, 9, "server.port");
  check(issues[1], 3, 3, "server.adress");
  CHECK_THAT(issues[1].message, Catch::Contains("did you mean 'address'?"));
  check(issues[2], 5, 19, "limits.worker_threads");
  check(issues[3], 7, 11, "logging.format");
  check(issues[4], 8, 1, "telemetry");

  try {
    load(yaml);
    FAIL("accepted");
  } catch (const ConfigError& e) {
    const std::string what = e.what();
    CHECK(std::count(what.begin(), what.end(), '\n') == 4);
    CHECK_THAT(what, Catch::StartsWith("test.yaml:2:9: server.port: expected an integer"));
  }
}

}  // namespace agenthost::config::test
