// The tool input schema subset: type, properties, required, additionalProperties, items.
#include <catch2/catch.hpp>

#include <boost/json/parse.hpp>

#include "execution/input_schema.hpp"

using agenthost::execution::input_schema_mismatch;

namespace {

std::string check(const char* schema, const char* value) {
  return input_schema_mismatch(boost::json::parse(schema).as_object(), boost::json::parse(value));
}

}  // namespace

TEST_CASE("an empty schema accepts anything") {
  CHECK(check("{}", "1").empty());
  CHECK(check("{}", R"({"a": [1, "x"]})").empty());
  CHECK(check("{}", "null").empty());
}

TEST_CASE("each JSON type is checked and the mismatch names the path") {
  CHECK(check(R"({"type": "object"})", "{}").empty());
  CHECK(check(R"({"type": "object"})", "[]") == "input: expected object, got array");
  CHECK(check(R"({"type": "string"})", R"("x")").empty());
  CHECK(check(R"({"type": "string"})", "3") == "input: expected string, got integer");
  CHECK(check(R"({"type": "number"})", "3").empty());
  CHECK(check(R"({"type": "number"})", "3.5").empty());
  CHECK(check(R"({"type": "number"})", "true") == "input: expected number, got boolean");
  CHECK(check(R"({"type": "integer"})", "3").empty());
  CHECK(check(R"({"type": "integer"})", "3.0").empty());
  CHECK(check(R"({"type": "integer"})", "3.5") == "input: expected integer, got number");
  CHECK(check(R"({"type": "boolean"})", "false").empty());
  CHECK(check(R"({"type": "boolean"})", "null") == "input: expected boolean, got null");
  CHECK(check(R"({"type": "array"})", "[1]").empty());
  CHECK(check(R"({"type": ["string", "null"]})", "null").empty());
  CHECK(check(R"({"type": ["string", "null"]})", "1") ==
        "input: expected string or null, got integer");
}

TEST_CASE("required properties and nested property schemas are enforced") {
  const char* schema = R"({
    "type": "object",
    "required": ["city"],
    "properties": {
      "city": {"type": "string", "description": "not enforced"},
      "days": {"type": "integer"},
      "where": {"type": "object", "required": ["lat"], "properties": {"lat": {"type": "number"}}}
    }})";
  CHECK(check(schema, R"({"city": "Lyon"})").empty());
  CHECK(check(schema, R"({"city": "Lyon", "days": 3, "extra": true})").empty());
  CHECK(check(schema, R"({"days": 3})") == R"(input: missing required property "city")");
  CHECK(check(schema, R"({"city": 7})") == "input.city: expected string, got integer");
  CHECK(check(schema, R"({"city": "Lyon", "where": {}})") ==
        R"(input.where: missing required property "lat")");
  CHECK(check(schema, R"({"city": "Lyon", "where": {"lat": "north"}})") ==
        "input.where.lat: expected number, got string");
}

TEST_CASE("additionalProperties false refuses undeclared members") {
  const char* schema =
      R"({"type": "object", "properties": {"a": {}}, "additionalProperties": false})";
  CHECK(check(schema, R"({"a": 1})").empty());
  CHECK(check(schema, R"({"a": 1, "b": 2})") == R"(input: unexpected property "b")");
}

TEST_CASE("items applies to every element of an array") {
  const char* schema = R"({"type": "array", "items": {"type": "string"}})";
  CHECK(check(schema, R"(["a", "b"])").empty());
  CHECK(check(schema, R"(["a", 2])") == "input[1]: expected string, got integer");
}
