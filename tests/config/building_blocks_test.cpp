// The small parts: durations, key suggestions, issue formatting.

#include <catch2/catch.hpp>

#include "config/duration.hpp"
#include "config/key_suggestion.hpp"
#include "config_test_support.hpp"

namespace agenthost::config::test {

TEST_CASE("durations need a whole number and a unit") {
  using namespace std::chrono_literals;
  CHECK(parse_duration("250ms") == 250ms);
  CHECK(parse_duration("30s") == 30s);
  CHECK(parse_duration("5m") == 5min);
  CHECK(parse_duration("1h") == 1h);
  CHECK(parse_duration("0ms") == 0ms);
  for (const char* bad : {"", "30", "s", "1.5s", "-1s", "+1s", "1 s", "1d", "1sec", "10MS",
                          "99999999999999999999h", "9223372036854775807h"}) {
    INFO(bad);
    CHECK_FALSE(parse_duration(bad).has_value());
  }
}

TEST_CASE("durations are written in their shortest exact form") {
  using namespace std::chrono_literals;
  CHECK(format_duration(0ms) == "0ms");
  CHECK(format_duration(1500ms) == "1500ms");
  CHECK(format_duration(60s) == "1m");
  CHECK(format_duration(90s) == "90s");
  CHECK(format_duration(300s) == "5m");
  CHECK(format_duration(24h) == "24h");
}

TEST_CASE("a key suggestion is made only for likely typos") {
  const std::vector<std::string> keys{"address", "port", "data_dir", "max_message_bytes",
                                      "idle_timeout"};
  CHECK(nearest_word("prot", keys) == "port");
  CHECK(nearest_word("Port", keys) == "port");
  CHECK(nearest_word("adress", keys) == "address");
  CHECK(nearest_word("datadir", keys) == "data_dir");
  CHECK(nearest_word("max_msg_bytes", keys) == "max_message_bytes");
  CHECK_FALSE(nearest_word("colour", keys).has_value());
  CHECK_FALSE(nearest_word("x", keys).has_value());
  CHECK(did_you_mean("idle_timout", keys) == " did you mean 'idle_timeout'?");
  CHECK(did_you_mean("banana", keys).empty());
}

TEST_CASE("an issue reads file:line:col: path: message, leaving out what is unknown") {
  CHECK(ConfigIssue{"a.yaml", 3, 7, "server.port", "bad"}.to_string() ==
        "a.yaml:3:7: server.port: bad");
  CHECK(ConfigIssue{"a.yaml", 1, 1, "", "empty"}.to_string() == "a.yaml:1:1: empty");
  CHECK(ConfigIssue{"a.yaml", 0, 0, "", "no such file"}.to_string() == "a.yaml: no such file");
  const ConfigError error({{"a.yaml", 1, 2, "x", "one"}, {"a.yaml", 3, 4, "y", "two"}});
  CHECK(std::string(error.what()) == "a.yaml:1:2: x: one\na.yaml:3:4: y: two");
  CHECK(error.issues().size() == 2);
}

}  // namespace agenthost::config::test
