// The sanitiser on a typical and a large payload, next to copying the same payload
// (sanitize_payload takes it by value, as the emitter hands it over, so a copy is
// the least any per-event pass over it costs) and to serialising it (what sending
// it costs anyway).

#include <benchmark/benchmark.h>
#include <boost/json/serialize.hpp>

#include <string>

#include "events/sanitizer.hpp"
#include "sanitizer_payloads.hpp"

namespace agenthost::bench {
namespace {

boost::json::object payload_for(benchmark::State& state) {
  auto payload = state.range(0) == 0 ? typical_payload() : large_payload();
  state.SetLabel(state.range(0) == 0 ? "typical" : "large");
  state.counters["json_bytes"] = static_cast<double>(boost::json::serialize(payload).size());
  return payload;
}

// The payload kinds as an argument: 0 typical (~300 B), 1 large (~100 KB).
void payload_kinds(benchmark::internal::Benchmark* b) { b->ArgName("large")->Arg(0)->Arg(1); }

// Baseline: a deep copy of the payload.
void BM_Payload_Copy(benchmark::State& state) {
  const auto payload = payload_for(state);
  for (auto _ : state) {
    boost::json::object copy = payload;
    benchmark::DoNotOptimize(&copy);
  }
}
BENCHMARK(BM_Payload_Copy)->Apply(payload_kinds);

// Reference: the payload serialised to JSON text.
void BM_Payload_Serialize(benchmark::State& state) {
  const auto payload = payload_for(state);
  for (auto _ : state) {
    auto text = boost::json::serialize(payload);
    benchmark::DoNotOptimize(text.data());
  }
}
BENCHMARK(BM_Payload_Serialize)->Apply(payload_kinds);

// A copy of the payload through sanitize_payload with the default limits (the copy
// is included: the same as the baseline's).
void BM_Sanitize_Payload(benchmark::State& state) {
  const auto payload = payload_for(state);
  const auto clean = events::sanitize_payload(payload);
  state.counters["clean_bytes"] = static_cast<double>(boost::json::serialize(clean).size());
  for (auto _ : state) {
    auto out = events::sanitize_payload(payload);
    benchmark::DoNotOptimize(&out);
  }
}
BENCHMARK(BM_Sanitize_Payload)->Apply(payload_kinds);

}  // namespace
}  // namespace agenthost::bench
