// Malformed and hostile schemas are refused at compile(), naming the keyword and
// the JSON pointer in the schema.

#include <boost/json/parse.hpp>
#include <catch2/catch.hpp>

#include <string>

#include "schema/compiled_schema.hpp"
#include "schema/schema_limits.hpp"

using agenthost::schema::compile;
using agenthost::schema::SchemaError;

namespace {

struct Refusal {
  std::string keyword, pointer, what;
};

Refusal refusal_of(const std::string& schema) {
  try {
    compile(boost::json::parse(schema).as_object());
  } catch (const SchemaError& e) {
    return {e.keyword(), e.schema_pointer(), e.what()};
  }
  FAIL("compiled: " << schema);
  return {};
}

}  // namespace

TEST_CASE("a keyword with a value of the wrong kind is refused with keyword and pointer") {
  auto r = refusal_of(R"({"properties":{"unit":{"enum":"celsius"}}})");
  CHECK(r.keyword == "enum");
  CHECK(r.pointer == "/properties/unit/enum");
  CHECK(r.what == R"(schema pointer /properties/unit/enum ("enum"): expected a non-empty array)");

  CHECK(refusal_of(R"({"type":"text"})").pointer == "/type");
  CHECK(refusal_of(R"({"required":["a","a"]})").keyword == "required");
  CHECK(refusal_of(R"({"minLength":-1})").keyword == "minLength");
  CHECK(refusal_of(R"({"multipleOf":0})").keyword == "multipleOf");
  CHECK(refusal_of(R"({"items":[{"type":"string"},3]})").pointer == "/items/1");
  CHECK(refusal_of(R"({"anyOf":[]})").keyword == "anyOf");
}

TEST_CASE("unknown keywords and other dialects are refused, x- extensions are not") {
  auto r = refusal_of(R"({"properties":{"a":{"requird":true}}})");
  CHECK(r.keyword == "requird");
  CHECK(r.pointer == "/properties/a/requird");
  CHECK(refusal_of(R"({"$defs":{}})").keyword == "$defs");
  CHECK(refusal_of(R"({"$schema":"https://json-schema.org/draft/2020-12/schema"})").keyword ==
        "$schema");
  CHECK_NOTHROW(compile(boost::json::parse(R"({"x-ui":{"widget":"slider"},
      "$schema":"http://json-schema.org/draft-07/schema#"})")
                            .as_object()));
}

TEST_CASE("remote and dangling $refs are refused, local ones resolve") {
  auto remote = refusal_of(R"({"properties":{"a":{"$ref":"http://example.com/s.json"}}})");
  CHECK(remote.keyword == "$ref");
  CHECK(remote.pointer == "/properties/a/$ref");
  CHECK_THAT(remote.what, Catch::Contains("never fetched"));
  CHECK(refusal_of(R"({"$ref":"#/definitions/missing"})").keyword == "$ref");
  CHECK(refusal_of(R"({"enum":[{"a":1}],"not":{"$ref":"#/enum/0"}})").keyword == "$ref");
  const auto ok = compile(boost::json::parse(R"({"definitions":{"n":{"type":"integer"}},
      "properties":{"a":{"$ref":"#/definitions/n"}}})")
                              .as_object());
  CHECK(ok->validate(boost::json::parse(R"({"a":"x"})")).has_value());
  // Escaped and percent-encoded pointers.
  const auto escaped = compile(boost::json::parse(R"({"definitions":{"a~b/c%d":{"type":"integer"}},
      "properties":{"a":{"$ref":"#/definitions/a~0b~1c%25d"}}})")
                                   .as_object());
  CHECK(escaped->validate(boost::json::parse(R"({"a":"x"})")).has_value());
  CHECK_FALSE(escaped->validate(boost::json::parse(R"({"a":1})")).has_value());
}

TEST_CASE("a $ref cycle that never descends into the instance is refused") {
  CHECK(refusal_of(R"({"$ref":"#"})").keyword == "$ref");
  CHECK(refusal_of(R"({"definitions":{"a":{"allOf":[{"$ref":"#/definitions/b"}]},
                                      "b":{"not":{"$ref":"#/definitions/a"}}},
                      "$ref":"#/definitions/a"})")
            .keyword == "$ref");
  // A recursive schema that descends (a tree) is fine.
  const auto tree =
      compile(boost::json::parse(R"({"type":"object","properties":{"children":{"type":"array",
      "items":{"$ref":"#"}}}})")
                  .as_object());
  CHECK(tree->validate(boost::json::parse(R"({"children":[{"children":[7]}]})")).has_value());
}

TEST_CASE("regular expressions: RE2 syntax, bounded length, no nested quantifiers by name") {
  CHECK(refusal_of(R"j({"pattern":"(a)\\1"})j").keyword == "pattern");  // backreference
  CHECK(refusal_of(R"j({"pattern":"(?=a)"})j").keyword == "pattern");   // lookahead
  CHECK(refusal_of("{\"pattern\":\"" + std::string(agenthost::schema::kMaxPatternLength + 1, 'a') +
                   "\"}")
            .keyword == "pattern");
  auto nested = refusal_of(R"({"patternProperties":{"^(a+)+$":{}}})");
  CHECK(nested.keyword == "patternProperties");
  CHECK(nested.pointer == "/patternProperties/^(a+)+$");
  CHECK(refusal_of(R"({"patternProperties":{"^(a|ab)*$":{}}})").keyword == "patternProperties");
  CHECK_NOTHROW(compile(boost::json::parse(R"({"patternProperties":{"^x-[a-z]+$":{}},
                                               "pattern":"^(a+)+$"})")
                            .as_object()));
}

TEST_CASE("schemas over the size limits are refused") {
  boost::json::object deep;
  for (std::size_t i = 0; i <= agenthost::schema::kMaxSchemaDepth; ++i)
    deep = boost::json::object{{"not", std::move(deep)}};
  try {
    compile(deep);
    FAIL("compiled");
  } catch (const SchemaError& e) {
    CHECK(e.keyword() == "not");
    CHECK_THAT(e.what(), Catch::Contains("deeper than"));
  }
  boost::json::array many(agenthost::schema::kMaxSchemaValues, boost::json::value(1));
  try {
    compile(boost::json::object{{"enum", many}});
    FAIL("compiled");
  } catch (const SchemaError& e) {
    CHECK(e.keyword() == "enum");
  }
}
