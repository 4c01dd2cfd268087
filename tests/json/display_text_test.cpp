// display_text: JSON for people (agentctl), exact all the same.
#include <catch2/catch.hpp>

#include <boost/json/parse.hpp>

#include "json/display_text.hpp"
#include "json/identical.hpp"
#include "json/parse.hpp"

namespace bj = boost::json;
using agenthost::json::display_text;

TEST_CASE("display_text writes numbers as people write them", "[json][display]") {
  CHECK(display_text(bj::value(0.8)) == "0.8");
  CHECK(display_text(bj::parse(R"({"score":0.8,"n":3,"big":9007199254740993,"x":-0.0})")) ==
        R"({"score":0.8,"n":3,"big":9007199254740993,"x":-0.0})");
  CHECK(display_text(bj::parse(R"(["a\"b\n",null,true,1E21,[],{}])")) ==
        R"(["a\"b\n",null,true,1e+21,[],{}])");
  CHECK(display_text(bj::value(18446744073709551615u)) == "18446744073709551615");
}

TEST_CASE("display_text reads back identical", "[json][display]") {
  const auto v = bj::value{{"values",
                            {0.8, 123.0, -0.0, 5e-324, 1e308, 2.6666666666666667e78,
                             1.7976931348623157e308, 9007199254740993, -1, "0.8"}},
                           {"nested", {{"k", bj::array{1e-7, 1e21}}}}};
  const auto back = agenthost::json::parse(display_text(v));
  REQUIRE(std::holds_alternative<bj::value>(back));
  CHECK(agenthost::json::identical(std::get<bj::value>(back), v));
}
