// find_non_finite: where a plugin's value holds a number JSON cannot carry.
#include <catch2/catch.hpp>

#include <boost/json/parse.hpp>

#include <limits>

#include "json/non_finite.hpp"

namespace bj = boost::json;
using agenthost::json::find_non_finite;

TEST_CASE("find_non_finite names the path of the first NaN or infinity", "[json][non_finite]") {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const double inf = std::numeric_limits<double>::infinity();
  CHECK(find_non_finite(bj::value(nan)) == "");
  CHECK(find_non_finite(bj::value{{"a", {1, 2, {{"b", -inf}}}}}) == ".a[2].b");
  CHECK(find_non_finite(bj::object{{"x", 1}, {"y", bj::array{0.5, nan}}}) == ".y[1]");
  CHECK_FALSE(find_non_finite(bj::parse(R"({"a":[1,-0.0,5e-324,1.7976931348623157e308,"NaN"]})")));
  CHECK_FALSE(find_non_finite(bj::object{}));
}
