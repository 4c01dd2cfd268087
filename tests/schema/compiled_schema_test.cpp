// Validation through a compiled schema: the error names the instance pointer, the
// keyword and what was expected, stays short, and the instance limits hold.

#include <boost/json/parse.hpp>
#include <catch2/catch.hpp>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "schema/compiled_schema.hpp"
#include "schema/schema_limits.hpp"

using agenthost::schema::compile;

namespace {

// A typical tool schema: enum, nested object, array of objects, anyOf, pattern.
const char* const kWeatherSchema = R"({
  "type": "object",
  "properties": {
    "city": {"type": "string", "minLength": 1},
    "unit": {"enum": ["celsius", "fahrenheit"]},
    "where": {"type": "object",
              "properties": {"lat": {"type": "number", "minimum": -90, "maximum": 90}},
              "required": ["lat"]},
    "days": {"type": "array", "items": {"type": "object",
                                        "properties": {"date": {"type": "string",
                                                                "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"}},
                                        "additionalProperties": false}},
    "limit": {"anyOf": [{"type": "integer"}, {"const": "all"}]}
  },
  "required": ["city"],
  "additionalProperties": false
})";

std::string error_for(const char* schema, const char* instance) {
  const auto compiled = compile(boost::json::parse(schema).as_object());
  const auto error = compiled->validate(boost::json::parse(instance));
  return error ? error->describe() : "";
}

}  // namespace

TEST_CASE("a fitting instance validates") {
  CHECK(error_for(kWeatherSchema,
                  R"({"city":"Oslo","unit":"celsius","where":{"lat":59.9},
                      "days":[{"date":"2026-12-02"}],"limit":3})") == "");
  CHECK(error_for(kWeatherSchema, R"({"city":"Oslo","limit":"all"})") == "");
}

TEST_CASE("each failure names the pointer and the keyword") {
  CHECK(error_for(kWeatherSchema, R"({"city":"Oslo","unit":"kelvin"})") ==
        R"(at /unit (enum): expected one of "celsius", "fahrenheit"; got "kelvin")");
  CHECK_THAT(
      error_for(kWeatherSchema, R"({"city":"Oslo","where":{"lat":91}})"),
      Catch::StartsWith("at /where/lat (maximum): expected number less than or equal to 90"));
  CHECK_THAT(error_for(kWeatherSchema, R"({"city":"Oslo","where":{}})"),
             Catch::StartsWith("at /where (required): missing required property 'lat'"));
  CHECK_THAT(error_for(kWeatherSchema, R"({"city":"Oslo","days":[{"date":"12/02"}]})"),
             Catch::StartsWith("at /days/0/date (pattern): does not match the pattern ^[0-9]{4}"));
  CHECK_THAT(error_for(kWeatherSchema, R"({"city":"Oslo","days":[{"date":"2026-12-02","x":1}]})"),
             Catch::StartsWith("at /days/0 (additionalProperties)"));
  CHECK_THAT(error_for(kWeatherSchema, R"({"city":7})"),
             Catch::StartsWith("at /city (type): expected type string; got 7"));
  CHECK_THAT(error_for(kWeatherSchema, R"({"unit":"celsius"})"),
             Catch::StartsWith("at the root (required): missing required property 'city'"));
}

TEST_CASE("type and enum errors list what is allowed, cut short") {
  CHECK(error_for(R"({"type":["integer","null"]})", R"("20")") ==
        R"(at the root (type): expected type integer or null; got "20")");
  CHECK(error_for(R"({"type":"integer"})", "1.5") ==
        "at the root (type): expected type integer; got 1.5E0");
  CHECK(error_for(R"({"enum":[1,"two",null,{"a":[true]}]})", "3") ==
        R"(at the root (enum): expected one of 1, "two", null, {"a":[true]}; got 3)");
  boost::json::array many;
  for (int i = 0; i < 200; ++i) many.push_back(boost::json::value("value-" + std::to_string(i)));
  const auto compiled = compile(boost::json::object{{"enum", many}});
  const auto error = compiled->validate(boost::json::value("value-200"));
  REQUIRE(error);
  CHECK_THAT(error->expected, Catch::StartsWith(R"(expected one of "value-0", "value-1")") &&
                                  Catch::Contains("...; got"));
  CHECK_FALSE(compiled->validate(boost::json::value("value-199")).has_value());
}

TEST_CASE("an anyOf whose alternatives all fail is reported as the anyOf") {
  CHECK_THAT(
      error_for(kWeatherSchema, R"({"city":"Oslo","limit":2.5})"),
      Catch::StartsWith("at /limit (anyOf): ") && Catch::Contains("first failure: at /limit"));
}

TEST_CASE("errors stay short and quote little of the instance") {
  const std::string huge(100'000, 'x');
  const std::string error =
      error_for(kWeatherSchema, ("{\"city\":\"Oslo\",\"unit\":\"" + huge + "\"}").c_str());
  CHECK(error.size() <= agenthost::schema::kMaxErrorLength);
  CHECK_THAT(error, Catch::StartsWith("at /unit (enum)"));
}

TEST_CASE("pointer tokens are escaped") {
  CHECK_THAT(error_for(R"({"properties":{"a/b~c":{"type":"string"}}})", R"({"a/b~c":1})"),
             Catch::StartsWith("at /a~1b~0c (type)"));
}

TEST_CASE("RE2 matches long strings where std::regex would overflow the stack") {
  const std::string text(1'000'000, 'a');
  const auto compiled = compile(boost::json::parse(R"({"pattern":"^(a|b)*$"})").as_object());
  CHECK_FALSE(compiled->validate(boost::json::value(text)).has_value());
  CHECK(compiled->validate(boost::json::value(text + "c")).has_value());
}

TEST_CASE("instances over the limits do not fit") {
  const auto anything = compile({});
  boost::json::value deep = 1;
  for (std::size_t i = 0; i <= agenthost::schema::kMaxInstanceDepth; ++i)
    deep = boost::json::array{std::move(deep)};
  const auto too_deep = anything->validate(deep);
  REQUIRE(too_deep);
  CHECK(too_deep->keyword == "limit");
  CHECK_THAT(too_deep->describe(), Catch::Contains("nested deeper than 64"));

  boost::json::array wide(agenthost::schema::kMaxInstanceValues, boost::json::value(1));
  const auto too_big = anything->validate(wide);
  REQUIRE(too_big);
  CHECK_THAT(too_big->describe(), Catch::Contains("more than 10000 JSON values"));

  const auto named = compile(boost::json::parse(R"({"patternProperties":{"^a":{}}})").as_object());
  boost::json::object long_name{{std::string(300, 'a'), 1}};
  const auto name_error = named->validate(boost::json::object{{"x", long_name}});
  REQUIRE(name_error);
  CHECK(name_error->instance_pointer.starts_with("/x/aaaa"));
  CHECK_FALSE(anything->validate(long_name).has_value());  // bounded only with patternProperties
}

TEST_CASE("one compiled schema validates from many threads") {
  const auto compiled = compile(boost::json::parse(kWeatherSchema).as_object());
  const auto good = boost::json::parse(R"({"city":"Oslo","days":[{"date":"2026-12-02"}]})");
  const auto bad = boost::json::parse(R"({"city":"Oslo","unit":"kelvin"})");
  std::vector<std::thread> threads;
  std::atomic<int> wrong{0};
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&] {
      for (int i = 0; i < 200; ++i)
        if (compiled->validate(good) || !compiled->validate(bad)) ++wrong;
    });
  for (auto& t : threads) t.join();
  CHECK(wrong == 0);
}
