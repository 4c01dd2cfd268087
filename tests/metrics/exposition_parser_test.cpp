// The test parser itself: it must accept what the format allows and refuse what it
// does not, or the /metrics tests built on it could not fail.
#include <catch2/catch.hpp>

#include <cmath>

#include "exposition_parser.hpp"

using agenthost::testing::parse_exposition;
using agenthost::testing::ParseError;

TEST_CASE("parser reads HELP, TYPE, labels, escapes, special values and timestamps") {
  const auto e = parse_exposition(
      "# HELP req_total Requests.\\nSecond line with \\\\ backslash.\n"
      "# TYPE req_total counter\n"
      "req_total{path=\"/a\\\"b\\\\c\\nd\",code=\"200\",} 3 1700000000000\n"
      "req_total{code=\"500\", path=\"/\"} 1e3\n"
      "# a free comment\n"
      "\n"
      "# TYPE temp gauge\n"
      "temp -Inf\n"
      "untyped_thing NaN\n");
  const auto* req = e.find("req_total");
  REQUIRE(req != nullptr);
  CHECK(req->type == "counter");
  CHECK(req->help == "Requests.\nSecond line with \\ backslash.");
  CHECK(e.value("req_total", {{"path", "/a\"b\\c\nd"}, {"code", "200"}}) == 3);
  CHECK(req->samples.front().timestamp_ms == 1700000000000LL);
  CHECK(e.value("req_total", {{"code", "500"}, {"path", "/"}}) == 1000);
  CHECK(std::isinf(*e.value("temp")));
  CHECK(std::isnan(*e.value("untyped_thing")));
  CHECK(e.find("untyped_thing")->type == "untyped");
}

TEST_CASE("parser accepts a well-formed histogram") {
  const auto e = parse_exposition(
      "# TYPE d histogram\n"
      "d_bucket{le=\"0.5\"} 1\n"
      "d_bucket{le=\"1\"} 2\n"
      "d_bucket{le=\"+Inf\"} 3\n"
      "d_sum 4.5\n"
      "d_count 3\n");
  CHECK(e.find("d")->samples.size() == 5);
  CHECK(e.value("d_bucket", {{"le", "+Inf"}}) == 3);
}

TEST_CASE("parser refuses malformed lines") {
  const char* bad[] = {
      "x\n",                                   // no value
      "x 1",                                   // no final newline
      "1x 1\n",                                // name starts with a digit
      "x{a=\"1} 1\n",                          // unterminated value
      "x{a=\"\\t\"} 1\n",                      // invalid escape
      "x{a=\"1\",a=\"2\"} 1\n",                // repeated label
      "x{__a=\"1\"} 1\n",                      // reserved label name
      "x{a=1} 1\n",                            // unquoted value
      "x one\n",                               // not a number
      "x 1 2 3\n",                             // text after the timestamp
      "x 1 1.5\n",                             // non-integer timestamp
      "# TYPE x counters\nx 1\n",              // unknown type
      "# TYPE x counter\n# TYPE x counter\n",  // second TYPE
      "x 1\n# TYPE x counter\n",               // TYPE after samples
      "x 1\n# HELP x late\n",                  // HELP after samples
      "# HELP x a\\tb\n",                      // invalid HELP escape
      "x{a=\"1\"} 1\ny 1\nx{a=\"2\"} 1\n",     // family not in one group
      "x 1\nx 2\n",                            // repeated series
      "# TYPE x counter\nx -1\n",              // negative counter
  };
  for (const char* text : bad) {
    INFO(text);
    CHECK_THROWS_AS(parse_exposition(text), ParseError);
  }
}

TEST_CASE("parser refuses inconsistent histograms") {
  const char* bad[] = {
      // no +Inf bucket
      "# TYPE d histogram\nd_bucket{le=\"1\"} 1\nd_sum 1\nd_count 1\n",
      // _count differs from +Inf
      "# TYPE d histogram\nd_bucket{le=\"+Inf\"} 2\nd_sum 1\nd_count 1\n",
      // no _sum
      "# TYPE d histogram\nd_bucket{le=\"+Inf\"} 1\nd_count 1\n",
      // counts decrease
      "# TYPE d histogram\nd_bucket{le=\"1\"} 2\nd_bucket{le=\"+Inf\"} 1\nd_sum 1\nd_count 1\n",
      // le out of order
      "# TYPE d histogram\nd_bucket{le=\"2\"} 0\nd_bucket{le=\"1\"} 0\nd_bucket{le=\"+Inf\"} 0\n"
      "d_sum 0\nd_count 0\n",
      // bucket without le
      "# TYPE d histogram\nd_bucket 1\nd_sum 1\nd_count 1\n",
  };
  for (const char* text : bad) {
    INFO(text);
    CHECK_THROWS_AS(parse_exposition(text), ParseError);
  }
}
