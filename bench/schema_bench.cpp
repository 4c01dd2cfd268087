// A typical tool input validated against its compiled draft-7 schema (host/schema),
// next to deep-copying the same input (what handing it on costs anyway). The schema
// is the kind written for models: enum, nested object, array of objects, anyOf,
// pattern, numeric bounds. The subset validator this replaced was measured beside it
// once, before it was deleted: docs/benchmarks.md, "JSON Schema validation".

#include <benchmark/benchmark.h>
#include <boost/json/parse.hpp>

#include "schema/compiled_schema.hpp"

namespace agenthost::bench {
namespace {

const char* const kToolSchema = R"({
  "type": "object",
  "properties": {
    "city": {"type": "string", "minLength": 1, "maxLength": 100},
    "unit": {"enum": ["celsius", "fahrenheit"]},
    "where": {"type": "object",
              "properties": {"lat": {"type": "number", "minimum": -90, "maximum": 90},
                             "lon": {"type": "number", "minimum": -180, "maximum": 180}},
              "required": ["lat", "lon"], "additionalProperties": false},
    "days": {"type": "array", "maxItems": 7,
             "items": {"type": "object",
                       "properties": {"date": {"type": "string",
                                               "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"},
                                      "hours": {"type": "array", "items": {"type": "integer"}}},
                       "required": ["date"]}},
    "detail": {"anyOf": [{"type": "boolean"}, {"enum": ["hourly", "daily"]}]}
  },
  "required": ["city", "unit"],
  "additionalProperties": false
})";

const char* const kTypicalInput = R"({
  "city": "Oslo", "unit": "celsius", "where": {"lat": 59.91, "lon": 10.75},
  "days": [{"date": "2026-12-02", "hours": [6, 12, 18]}, {"date": "2026-12-03"}],
  "detail": "hourly"
})";

const boost::json::object& tool_schema() {
  static const auto schema = boost::json::parse(kToolSchema).as_object();
  return schema;
}

// Baseline: a deep copy of the input.
void BM_ToolInput_Copy(benchmark::State& state) {
  const auto input = boost::json::parse(kTypicalInput);
  for (auto _ : state) {
    boost::json::value copy = input;
    benchmark::DoNotOptimize(&copy);
  }
}
BENCHMARK(BM_ToolInput_Copy);

// What every tool call now costs before the tool runs: a fitting input validated.
void BM_Schema_Validate_Fits(benchmark::State& state) {
  const auto compiled = schema::compile(tool_schema());
  const auto input = boost::json::parse(kTypicalInput);
  for (auto _ : state) benchmark::DoNotOptimize(compiled->validate(input));
}
BENCHMARK(BM_Schema_Validate_Fits);

// A refused input: the second pass that collects errors, and the message.
void BM_Schema_Validate_Refused(benchmark::State& state) {
  const auto compiled = schema::compile(tool_schema());
  auto input = boost::json::parse(kTypicalInput);
  input.as_object()["unit"] = "kelvin";
  for (auto _ : state) benchmark::DoNotOptimize(compiled->validate(input));
}
BENCHMARK(BM_Schema_Validate_Refused);

// Once per tool at registration: the check and the compilation.
void BM_Schema_Compile(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(schema::compile(tool_schema()));
}
BENCHMARK(BM_Schema_Compile);

}  // namespace
}  // namespace agenthost::bench
