// Reading one number's text and writing a double as people write it.
#include <catch2/catch.hpp>

#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>

#include "json/number_text.hpp"

using agenthost::json::format_double;
using agenthost::json::read_double;

namespace {

std::uint64_t bits(double d) { return std::bit_cast<std::uint64_t>(d); }

}  // namespace

TEST_CASE("read_double rounds to nearest and tells overflow from underflow", "[json][number]") {
  CHECK(read_double("0.1") == 0.1);
  CHECK(read_double("1e-400") == 0.0);
  CHECK(bits(*read_double("-1e-400")) == bits(-0.0));
  CHECK(read_double("0.000001e-320") == 0.0);  // small mantissa, small exponent
  CHECK(read_double("100000e-330") == 0.0);    // 1e-325
  CHECK_FALSE(read_double("1e400"));
  CHECK_FALSE(read_double("-1e400"));
  CHECK_FALSE(read_double("0.0000001e400"));  // 1e393
  CHECK_FALSE(read_double("1e99999999999999999999"));
  CHECK(read_double("1e-99999999999999999999") == 0.0);
  CHECK(read_double("123456789e300") == 1.23456789e308);
}

TEST_CASE("format_double writes the shortest text, as people write numbers", "[json][number]") {
  CHECK(format_double(0.8) == "0.8");
  CHECK(format_double(123.0) == "123.0");
  CHECK(format_double(-0.0) == "-0.0");
  CHECK(format_double(0.0) == "0.0");
  CHECK(format_double(1e21) == "1e+21");
  CHECK(format_double(1e-7) == "1e-07");
  CHECK(format_double(5e-324) == "5e-324");
  CHECK(format_double(2.6666666666666667e78) == "2.6666666666666667e+78");
  CHECK(format_double(std::numeric_limits<double>::max()) == "1.7976931348623157e+308");
  CHECK(format_double(std::nan("")) == "null");
  CHECK(format_double(-std::numeric_limits<double>::infinity()) == "null");
}

TEST_CASE("format_double reads back as the same double", "[json][number]") {
  std::mt19937_64 random(16);
  for (int i = 0; i < 100000; ++i) {
    const double d = std::bit_cast<double>(random());
    if (!std::isfinite(d)) continue;
    const auto text = format_double(d);
    INFO(text);
    const auto back = read_double(text);
    REQUIRE(back);
    REQUIRE(bits(*back) == bits(d));
  }
}
