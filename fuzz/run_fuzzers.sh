#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (apart from the gcc builds) and runs each
# briefly over its seed corpus. Fails on the first crash or broken invariant; the
# input that broke it is left in BUILD_DIR/artifacts/.
# usage: fuzz/run_fuzzers.sh [BUILD_DIR (default build/fuzz)] [SECONDS per target (default 20)]
# AGENTHOST_FUZZ_TARGETS="client_frame" runs only the targets named (default: all).
# fuzz/run_long.sh runs them for minutes.
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir=${1:-build/fuzz}
seconds=${2:-${AGENTHOST_FUZZ_SECONDS:-20}}
export CCACHE_BASEDIR="$PWD" CCACHE_NOHASHDIR=true

if [ ! -f "$build_dir/build.ninja" ]; then
  launcher=()
  if command -v ccache >/dev/null; then launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache); fi
  CC=clang CXX=clang++ cmake -S fuzz -B "$build_dir" -G Ninja "${launcher[@]}" >/dev/null
fi
cmake --build "$build_dir"

mkdir -p "$build_dir/artifacts"
status=0
for target in ${AGENTHOST_FUZZ_TARGETS:-client_frame http_router ipc_frame}; do
  # New inputs go to a scratch corpus; the seeds in fuzz/corpus stay as committed.
  scratch="$build_dir/corpus/$target"
  mkdir -p "$scratch"
  echo "fuzz: $target for ${seconds}s"
  if ! "$build_dir/fuzz_$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
      -max_len=4096 -print_final_stats=1 -artifact_prefix="$build_dir/artifacts/${target}-" \
      "$scratch" "fuzz/corpus/$target" >"$build_dir/$target.log" 2>&1; then
    echo "fuzz: $target FAILED; input in $build_dir/artifacts/, log $build_dir/$target.log:" >&2
    grep -a -A3 -m1 -E "fuzz invariant broken|ERROR: |runtime error" "$build_dir/$target.log" >&2 || tail -20 "$build_dir/$target.log" >&2
    status=1
  else
    grep -a -E "stat::number_of_executed_units" "$build_dir/$target.log" | sed "s/^/fuzz: $target /"
  fi
done
exit $status
