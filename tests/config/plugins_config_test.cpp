// plugins.config: each plugin's YAML settings converted to JSON, and where they were written.

#include <catch2/catch.hpp>

#include <boost/json.hpp>

#include "config/yaml_to_json.hpp"
#include "config_test_support.hpp"

namespace agenthost::config::test {

TEST_CASE("plain scalars become JSON types, quoted and tagged ones stay strings") {
  ScopedEnv key("AGENTHOST_TEST_API_KEY", "12345");
  ScopedEnv host("AGENTHOST_TEST_API_HOST", "api.example.org");
  const auto config = load(
      "plugins:\n"
      "  config:\n"
      "    triage:\n"
      "      categories: [billing, technical, account, other]\n"
      "      max_tokens: 1000\n"
      "      negative: -3\n"
      "      huge: 18446744073709551615\n"
      "      temperature: 0.25\n"
      "      exponent: 1e3\n"
      "      enabled: true\n"
      "      disabled: False\n"
      "      quoted_number: \"1000\"\n"
      "      quoted_bool: 'true'\n"
      "      tagged: !!str 42\n"
      "      tilde: ~\n"
      "      empty:\n"
      "      quoted_null: 'null'\n"
      "      version: 1.2.3\n"
      "      words: hello world\n"
      "      yes_is_text: yes\n"
      "      infinity: .inf\n"
      "      numeric_secret: ${AGENTHOST_TEST_API_KEY}\n"
      "      quoted_secret: \"${AGENTHOST_TEST_API_KEY}\"\n"
      "      url: https://${AGENTHOST_TEST_API_HOST}/v1\n"
      "      nested: {a: [1, {b: x}], c: {}}\n"
      "    summarizer: ~\n");

  REQUIRE(config.plugins.config.size() == 2);
  const boost::json::object& triage = config.plugins.config.at("triage").as_object();
  CHECK(triage.at("categories") == boost::json::array{"billing", "technical", "account", "other"});
  CHECK(triage.at("max_tokens").as_int64() == 1000);
  CHECK(triage.at("negative").as_int64() == -3);
  CHECK(triage.at("huge").as_uint64() == 18446744073709551615ull);
  CHECK(triage.at("temperature").as_double() == 0.25);
  CHECK(triage.at("exponent").as_double() == 1000.0);
  CHECK(triage.at("enabled").as_bool() == true);
  CHECK(triage.at("disabled").as_bool() == false);
  CHECK(triage.at("quoted_number").as_string() == "1000");
  CHECK(triage.at("quoted_bool").as_string() == "true");
  CHECK(triage.at("tagged").as_string() == "42");
  CHECK(triage.at("tilde").is_null());
  CHECK(triage.at("empty").is_null());
  CHECK(triage.at("quoted_null").as_string() == "null");
  CHECK(triage.at("version").as_string() == "1.2.3");
  CHECK(triage.at("words").as_string() == "hello world");
  CHECK(triage.at("yes_is_text").as_string() == "yes");
  CHECK(triage.at("infinity").as_string() == ".inf");
  CHECK(triage.at("numeric_secret").as_int64() == 12345);  // plain: typed after substitution
  CHECK(triage.at("quoted_secret").as_string() == "12345");
  CHECK(triage.at("url").as_string() == "https://api.example.org/v1");
  CHECK(triage.at("nested") == boost::json::parse(R"({"a": [1, {"b": "x"}], "c": {}})"));
  CHECK(config.plugins.config.at("summarizer").is_null());

  CHECK(config.plugins.config_where.at("triage") == "test.yaml:3:5");
  CHECK(config.plugins.config_where.at("summarizer") == "test.yaml:26:5");
}

TEST_CASE("plain_scalar_to_json follows the documented rules") {
  CHECK(plain_scalar_to_json("") == nullptr);
  CHECK(plain_scalar_to_json("NULL") == nullptr);
  CHECK(plain_scalar_to_json("TRUE") == true);
  CHECK(plain_scalar_to_json("+7") == 7);
  CHECK(plain_scalar_to_json("007") == 7);
  CHECK(plain_scalar_to_json("-0.5") == -0.5);
  CHECK(plain_scalar_to_json(".5") == 0.5);
  CHECK(plain_scalar_to_json("1.") == 1.0);
  CHECK(plain_scalar_to_json("99999999999999999999999").as_double() == Approx(1e23));
  CHECK(plain_scalar_to_json("0x1F") == "0x1F");
  CHECK(plain_scalar_to_json("nan") == "nan");
  CHECK(plain_scalar_to_json("1e") == "1e");
  CHECK(plain_scalar_to_json("-") == "-");
}

TEST_CASE("problems inside a plugin's settings are reported with their path") {
  ScopedEnv unset("AGENTHOST_TEST_UNSET_TOKEN", std::nullopt);
  const auto issues = issues_of(
      "plugins:\n"
      "  config:\n"
      "    triage:\n"
      "      token: ${AGENTHOST_TEST_UNSET_TOKEN}\n"
      "      limits: {a: 1, a: 2}\n"
      "      list: [1, \"${AGENTHOST_TEST_UNSET_TOKEN:-2}\", \"$x\"]\n"
      "    summarizer: {ok: 1}\n");
  REQUIRE(issues.size() == 3);
  CHECK(issues[0].line == 4);
  CHECK(issues[0].column == 14);
  CHECK(issues[0].path == "plugins.config.triage.token");
  CHECK_THAT(issues[0].message, Catch::Contains("AGENTHOST_TEST_UNSET_TOKEN is not set"));
  CHECK(issues[1].line == 5);
  CHECK(issues[1].column == 22);
  CHECK(issues[1].path == "plugins.config.triage.limits.a");
  CHECK_THAT(issues[1].message, Catch::StartsWith("duplicate key 'a'"));
  CHECK(issues[2].line == 6);
  CHECK(issues[2].path == "plugins.config.triage.list[2]");
  CHECK_THAT(issues[2].message, Catch::StartsWith("a lone '$'"));
}

TEST_CASE("plugins.config must map plugin names to settings") {
  const auto issue = only_issue("plugins:\n  config: [triage]\n");
  CHECK(issue.line == 2);
  CHECK(issue.column == 11);
  CHECK(issue.path == "plugins.config");
  CHECK(issue.message ==
        "expected a mapping from plugin name to that plugin's settings, got a list");
}

TEST_CASE("a mapping key that is not text is refused") {
  const auto issue = only_issue("plugins:\n  config:\n    triage:\n      ? [a, b]\n      : 1\n");
  CHECK(issue.line == 4);
  CHECK(issue.path == "plugins.config.triage");
  CHECK(issue.message == "a key must be plain text, got a list as a key");
}

TEST_CASE("an anchor that contains itself is refused instead of recursing forever") {
  const auto issue = only_issue("plugins:\n  config:\n    triage: &loop [1, *loop]\n");
  CHECK(issue.line == 3);
  CHECK(issue.column == 13);
  CHECK(issue.path == "plugins.config.triage");
  CHECK(issue.message == "nested deeper than 64 levels (an anchor that refers to itself?)");
}

}  // namespace agenthost::config::test
