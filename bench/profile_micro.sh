#!/usr/bin/env bash
# Where the time of one microbenchmark goes: runs it under callgrind, collecting
# only inside the benchmark's function (setup such as loading the plugin and opening
# the database happens there on first call and is diluted by min_time), and prints
# the functions with the most inclusive instructions.
#
#   bench/profile_micro.sh BM_Name[/arg:N] [min_time_seconds (default 1)] [top (default 30)]
#
# Uses the Release build in $AGENTHOST_BENCH_BUILD_DIR (default <repo>/build-bench;
# run bench/run_micro.sh first). Writes callgrind.<name> next to the results of
# run_micro.sh (<build>/bench-results/) for callgrind_annotate or kcachegrind.
# perf would do too where `perf stat -e instructions true` works; callgrind needs no
# hardware counters. Its figures are instructions (Ir), not time: read them as
# shares of the work, not as durations.
set -euo pipefail

[[ $# -ge 1 ]] || { sed -n '2,15p' "$0"; exit 2; }
benchmark=$1
min_time=${2:-1}
top=${3:-30}
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${AGENTHOST_BENCH_BUILD_DIR:-$repo/build-bench}
binary=$build/bench/agenthost_micro_bench
[[ -x $binary ]] || { echo "profile_micro.sh: $binary not built; run bench/run_micro.sh first" >&2; exit 1; }

function_name=${benchmark%%/*}
out_dir=$build/bench-results
mkdir -p "$out_dir"
out=$out_dir/callgrind.${benchmark//[^A-Za-z0-9_]/_}
cmd=(valgrind --tool=callgrind --callgrind-out-file="$out" --collect-atstart=no
     "--toggle-collect=*${function_name}(*"
     "$binary" "--benchmark_filter=^${benchmark}\$" "--benchmark_min_time=${min_time}")
echo "profiling: ${cmd[*]}" >&2
"${cmd[@]}" >&2
# Drop the frames above the benchmark (main, libbenchmark, the loader): they are
# 100 % by construction.
callgrind_annotate --inclusive=yes --threshold=100 "$out" |
  grep -E '^ *[0-9,]+ +\(' |
  grep -vE 'PROGRAM TOTALS|libbenchmark|libc-start|below main|ld-linux|\?\?\?:main ' |
  head -n "$top"
