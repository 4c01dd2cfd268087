#include <catch2/catch.hpp>

#include <boost/json/array.hpp>
#include <boost/json/serialize.hpp>

#include "events/result_limit.hpp"

using agenthost::events::oversized_result;
namespace json = boost::json;

TEST_CASE("a result is measured in bytes of JSON against the limit") {
  const json::value result = {{"text", std::string(100, 'x')}};
  const auto size = json::serialize(result).size();
  CHECK_FALSE(oversized_result(result, size));
  const auto refusal = oversized_result(result, size - 1);
  REQUIRE(refusal);
  CHECK_THAT(*refusal, Catch::Contains(std::to_string(size - 1)) &&
                           Catch::Contains("limits.max_result_bytes"));
}

TEST_CASE("a result far over the limit is refused without serialising all of it") {
  json::array big;
  for (int i = 0; i < 200000; ++i) big.emplace_back(std::string(50, 'y'));
  CHECK(oversized_result(big, 1024 * 1024));
  CHECK_FALSE(oversized_result(json::value(nullptr), 4));
}
