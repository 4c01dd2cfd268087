#include <catch2/catch.hpp>

#include <limits>

#include "metrics/text_format.hpp"

using namespace agenthost::metrics;

TEST_CASE("label values and help texts are escaped as the format requires") {
  CHECK(escape_label_value("plain") == "plain");
  CHECK(escape_label_value("a\\b\"c\nd") == "a\\\\b\\\"c\\nd");
  // HELP escapes backslash and newline only; a quote stays as it is.
  CHECK(escape_help("say \"hi\"\\\n") == "say \"hi\"\\\\\\n");
}

TEST_CASE("sample values are written so that a parser reads the same number") {
  CHECK(format_value(0) == "0");
  CHECK(format_value(1) == "1");
  CHECK(format_value(0.005) == "0.005");
  CHECK(format_value(2.5) == "2.5");
  CHECK(format_value(std::numeric_limits<double>::infinity()) == "+Inf");
  CHECK(format_value(-std::numeric_limits<double>::infinity()) == "-Inf");
  CHECK(format_value(std::numeric_limits<double>::quiet_NaN()) == "NaN");
  CHECK(std::stod(format_value(1.0 / 3)) == 1.0 / 3);
}

TEST_CASE("metric and label names follow the format's rules") {
  CHECK(is_metric_name("agenthost_runs_started_total"));
  CHECK(is_metric_name("ns:rule_name"));
  CHECK(is_metric_name("_x"));
  CHECK_FALSE(is_metric_name(""));
  CHECK_FALSE(is_metric_name("1x"));
  CHECK_FALSE(is_metric_name("runs-started"));
  CHECK_FALSE(is_metric_name("runs total"));
  CHECK(is_label_name("agent"));
  CHECK(is_label_name("_a1"));
  CHECK_FALSE(is_label_name("__name__"));
  CHECK_FALSE(is_label_name("a:b"));
  CHECK_FALSE(is_label_name("9a"));
  CHECK_FALSE(is_label_name(""));
}
