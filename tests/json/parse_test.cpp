// json::parse: one JSON text, one value. Numbers are checked bit for bit against
// the correctly rounded double, on the kinds of input Boost.JSON 1.81's own parser
// gets wrong: more than 19 significant digits (it drops the rest), a mantissa past
// 2^53 or an exponent past 22 (it multiplies by an inexact power of ten), denormals
// (two roundings) and zero with a huge exponent (0 * inf).
#include <catch2/catch.hpp>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>

#include "json/identical.hpp"
#include "json/parse.hpp"

namespace bj = boost::json;
using agenthost::json::identical;
using agenthost::json::parse;
using agenthost::json::ParseError;

namespace {

bj::value parsed(std::string_view text) {
  auto result = parse(text);
  INFO(text);
  if (auto* error = std::get_if<ParseError>(&result)) FAIL(error->describe());
  return std::get<bj::value>(result);
}

ParseError error_of(std::string_view text) {
  auto result = parse(text);
  INFO(text);
  REQUIRE(std::holds_alternative<ParseError>(result));
  return std::get<ParseError>(result);
}

std::uint64_t bits(double d) { return std::bit_cast<std::uint64_t>(d); }

// The double `text` must read as, bit for bit.
void check_double(std::string_view text, double expected) {
  INFO(text);
  const auto v = parsed(text);
  REQUIRE(v.is_double());
  CHECK(bits(v.get_double()) == bits(expected));
}

}  // namespace

TEST_CASE("decimals Boost.JSON 1.81 misrounds are read correctly rounded", "[json][parse]") {
  // The input of issue 16: 79 digits. Boost.JSON alone reads 2.6666666666666663e78.
  const std::string issue16 = std::string(1, '2') + std::string(78, '6') + ".5";
  check_double(issue16, 2.6666666666666667e78);
  CHECK(bits(bj::parse(issue16).get_double()) != bits(2.6666666666666667e78));  // still broken
  // More than 19 significant digits: Boost drops the rest instead of rounding.
  check_double("2.2250738585072011e-308", 2.225073858507201e-308);
  check_double("0.1000000000000000055511151231257827021181583404541015625", 0.1);
  check_double("9007199254740993.0", 9007199254740992.0);  // tie: to even
  check_double("9007199254740995.0", 9007199254740996.0);
  // The largest double and the rounding boundary just above it.
  check_double("1.7976931348623157e308", std::numeric_limits<double>::max());
  check_double("1.7976931348623158e308", std::numeric_limits<double>::max());
  // Denormals, and below half the smallest one: zero, sign kept.
  check_double("5e-324", std::numeric_limits<double>::denorm_min());
  check_double("2.4703282292062328e-324", std::numeric_limits<double>::denorm_min());
  check_double("2.4703282292062327e-324", 0.0);
  check_double("1e-400", 0.0);
  check_double("-1e-400", -0.0);
  // Zero with a huge exponent: Boost computes 0 * inf = NaN.
  check_double("0e400", 0.0);
  check_double("-0.0", -0.0);
  check_double("1e308", 1e308);
  check_double("0.8", 0.8);
}

TEST_CASE("integers that fit 64 bits stay exact integers", "[json][parse]") {
  CHECK(parsed("9007199254740993").as_int64() == 9007199254740993);  // 2^53 + 1
  CHECK(parsed("-9223372036854775808").as_int64() == std::numeric_limits<std::int64_t>::min());
  CHECK(parsed("18446744073709551615").as_uint64() == std::numeric_limits<std::uint64_t>::max());
  CHECK(parsed("-0").as_int64() == 0);  // an integer: no sign
  // One past uint64: a double, correctly rounded (2^64).
  check_double("18446744073709551616", 18446744073709551616.0);
}

TEST_CASE("numbers beyond the range of a double are refused, naming the number", "[json][parse]") {
  for (std::string_view text :
       {"1e400", "-1e400", "1.7976931348623159e308", "[1, {\"x\": 1e999}]"}) {
    const auto e = error_of(text);
    CHECK(e.kind == ParseError::Kind::number_range);
    CHECK_THAT(e.message, Catch::Contains("is beyond the range of a double"));
  }
  const auto e = error_of("[1, {\"x\": 1e999}]");
  CHECK_THAT(e.message, Catch::StartsWith("the number 1e999 "));
  CHECK(e.offset == 15);  // just after the number
  CHECK_THAT(e.describe(), Catch::EndsWith("(at byte 15)"));
  // A long number is cut in the message.
  const auto long_error = error_of("9" + std::string(400, '9'));
  CHECK(long_error.message.size() < 200);
}

TEST_CASE("syntax errors say where reading stopped", "[json][parse]") {
  const auto e = error_of(R"({"a": [1, 2,, 3]})");
  CHECK(e.kind == ParseError::Kind::syntax);
  CHECK(e.offset == 12);
  CHECK(e.describe() == "not valid JSON: syntax error (at byte 12)");
  CHECK(error_of(R"({"a": 1} x)").message == "extra data");
  CHECK(error_of("").kind == ParseError::Kind::syntax);
  CHECK(error_of(R"({"a":)").kind == ParseError::Kind::syntax);
  CHECK(std::holds_alternative<ParseError>(parse("[[[1]]]", {.max_depth = 2})));
  CHECK(
      identical(parsed(" {\"a\": [true, null, \"x\"]} \n"), bj::parse(R"({"a":[true,null,"x"]})")));
}

TEST_CASE("what Boost.JSON writes reads back identical", "[json][parse]") {
  const double specials[] = {-0.0,
                             0.0,
                             5e-324,
                             -5e-324,
                             2.2250738585072014e-308,
                             2.225073858507201e-308,
                             1e308,
                             std::numeric_limits<double>::max(),
                             2.6666666666666667e78,
                             0.1,
                             0.8,
                             1e21,
                             1e-7,
                             9007199254740993.0};
  for (double d : specials) {
    const bj::value v = d;
    INFO(bj::serialize(v));
    CHECK(identical(parsed(bj::serialize(v)), v));
  }
  // Random bit patterns: every finite double.
  std::mt19937_64 random(16);
  for (int i = 0; i < 100000; ++i) {
    const double d = std::bit_cast<double>(random());
    if (!std::isfinite(d)) continue;
    const bj::value v = d;
    const auto text = bj::serialize(v);
    const auto back = parse(text);
    INFO(text);
    REQUIRE(std::holds_alternative<bj::value>(back));
    REQUIRE(identical(std::get<bj::value>(back), v));
  }
  const auto nested = bj::value{{"n", {1, -0.0, 9007199254740993, 1.5e-310}}};
  CHECK(identical(parsed(bj::serialize(nested)), nested));
}

TEST_CASE("identical tells kinds, signed zeros and member sets apart", "[json][identical]") {
  CHECK(identical(bj::parse(R"({"a":1,"b":[2.5]})"), bj::parse(R"({"b":[2.5],"a":1})")));
  CHECK_FALSE(identical(bj::value(0.0), bj::value(-0.0)));
  CHECK(bj::value(0.0) == bj::value(-0.0));  // why identical exists
  CHECK_FALSE(identical(bj::value(1), bj::value(1.0)));
  CHECK_FALSE(identical(bj::value(std::int64_t{1}), bj::value(std::uint64_t{1})));
  CHECK_FALSE(identical(bj::parse(R"({"a":1})"), bj::parse(R"({"a":1,"b":2})")));
  CHECK_FALSE(identical(bj::parse("[1,2]"), bj::parse("[1]")));
  CHECK(identical(bj::parse(R"(["x",null,true])"), bj::parse(R"(["x",null,true])")));
}
