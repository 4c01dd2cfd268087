// The benchmarks' main: Google Benchmark's own, plus the shared BenchHost built
// before any benchmark runs, so that loading the plugin and opening the database are
// in no benchmark's time or profile (bench/profile_micro.sh collects inside the
// benchmark functions only).

#include <benchmark/benchmark.h>

#include <exception>
#include <iostream>

#include "bench_support.hpp"

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  try {
    agenthost::bench::bench_host();
  } catch (const std::exception& e) {
    std::cerr << "agenthost_micro_bench: cannot set up the host's parts: " << e.what() << '\n';
    return 1;
  }
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
