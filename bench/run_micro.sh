#!/usr/bin/env bash
# Builds the microbenchmarks in Release and runs them: 5 repetitions of each,
# aggregates only, JSON into a results directory, then a markdown table of the
# medians with each benchmark's ratio to its baseline (bench/micro_table.py).
#
#   bench/run_micro.sh [--out DIR] [--update-docs] [-- <extra Google Benchmark arguments>]
#
# Build directory: $AGENTHOST_BENCH_BUILD_DIR (default <repo>/build-bench).
# Results: DIR (default <build>/bench-results/micro-<UTC time>) gets micro.json
# (Google Benchmark's JSON), micro.md (the table) and command.txt. --update-docs
# also puts the table into docs/benchmarks.md (between its micro-results markers).
set -euo pipefail

invocation="bench/run_micro.sh$(printf ' %q' "$@")"
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${AGENTHOST_BENCH_BUILD_DIR:-$repo/build-bench}
out=""
doc_args=()
extra=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --out) out=$2; shift 2 ;;
    --update-docs) doc_args=(--update-doc "$repo/docs/benchmarks.md"); shift ;;
    --) shift; extra=("$@"); break ;;
    -h|--help) sed -n '2,11p' "$0"; exit 0 ;;
    *) echo "run_micro.sh: unknown argument '$1' (try --help)" >&2; exit 2 ;;
  esac
done
out=${out:-$build/bench-results/micro-$(date -u +%Y%m%dT%H%M%SZ)}

# A new build directory gets Ninja (when installed) and no test suite (the benchmark
# needs none of it); an existing one keeps its settings apart from the build type.
fresh=()
if [[ ! -f $build/CMakeCache.txt ]]; then
  fresh=(-DAGENTHOST_BUILD_TESTS=OFF)
  command -v ninja >/dev/null && fresh+=(-G Ninja)
fi
cmake -S "$repo" -B "$build" "${fresh[@]}" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$build" --target agenthost_micro_bench

mkdir -p "$out"
binary=$build/bench/agenthost_micro_bench
cmd=("$binary" --benchmark_format=json --benchmark_repetitions=5
     --benchmark_report_aggregates_only=true "${extra[@]}")
printf '%q ' "${cmd[@]}" | sed 's/ $//' > "$out/command.txt"
echo "running: $(cat "$out/command.txt")" >&2
"${cmd[@]}" > "$out/micro.json"
load_after=$(cat /proc/loadavg)
commit=$(git -C "$repo" rev-parse --short HEAD 2>/dev/null || echo unknown)
if ! git -C "$repo" diff --quiet HEAD -- bench host plugin_api plugins 2>/dev/null; then
  commit="$commit (with uncommitted changes)"
fi

status=0
python3 "$repo/bench/micro_table.py" "$out/micro.json" --command "$(cat "$out/command.txt")" \
  --invocation "$invocation" --commit "$commit" --load-after "$load_after" "${doc_args[@]}" > "$out/micro.md" || status=$?
cat "$out/micro.md"
echo "results: $out" >&2
exit $status
