// Context validation and id generation, each next to the work it cannot avoid:
// creating a context is at least copying its fields into one shared allocation, and
// an id is at least a 32-character string.

#include <benchmark/benchmark.h>

#include <memory>
#include <string>

#include "agenthost/execution_context.hpp"
#include "context/random_id.hpp"

namespace agenthost::bench {
namespace {

// Valid fields as the host fills them: 32-character random ids, `metadata_keys`
// caller-supplied metadata members.
agenthost::ContextFields valid_fields(long metadata_keys) {
  agenthost::ContextFields fields;
  fields.user_id = "user-0042";
  fields.thread_id = context::random_id();
  fields.run_id = context::random_id();
  fields.request_id = context::random_id();
  fields.agent_name = "echo";
  for (long i = 0; i < metadata_keys; ++i)
    fields.metadata["client_key_" + std::to_string(i)] = "value " + std::to_string(i);
  return fields;
}

// Baseline: the fields copied and frozen in one shared allocation, no checks.
void BM_ContextFields_CopyMakeShared(benchmark::State& state) {
  const auto fields = valid_fields(state.range(0));
  for (auto _ : state) {
    auto copy = fields;
    auto frozen = std::make_shared<const agenthost::ContextFields>(std::move(copy));
    benchmark::DoNotOptimize(frozen.get());
  }
}
BENCHMARK(BM_ContextFields_CopyMakeShared)->ArgName("metadata_keys")->Arg(0)->Arg(4);

// ExecutionContext::create on a copy of the same fields: the baseline plus every id
// rule (characters, placeholders, length) and the reserved-metadata-key check.
void BM_ExecutionContext_Create(benchmark::State& state) {
  const auto fields = valid_fields(state.range(0));
  for (auto _ : state) {
    auto copy = fields;
    benchmark::DoNotOptimize(agenthost::ExecutionContext::create(std::move(copy)));
  }
}
BENCHMARK(BM_ExecutionContext_Create)->ArgName("metadata_keys")->Arg(0)->Arg(4);

// Baseline: a 32-character id string copied from a constant (the allocation alone).
void BM_IdString_Copy(benchmark::State& state) {
  const std::string fixed(context::kRandomIdLength, 'a');
  for (auto _ : state) {
    std::string id = fixed;
    benchmark::DoNotOptimize(id.data());
  }
}
BENCHMARK(BM_IdString_Copy);

// random_id(): 16 bytes from the per-thread getrandom() buffer (one system call per
// 256 ids, amortised here), as lowercase hex.
void BM_RandomId(benchmark::State& state) {
  for (auto _ : state) {
    auto id = context::random_id();
    benchmark::DoNotOptimize(id.data());
  }
}
BENCHMARK(BM_RandomId);

}  // namespace
}  // namespace agenthost::bench
