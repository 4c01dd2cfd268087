#!/usr/bin/env bash
# Runs each libFuzzer target for minutes, outside CI: before resolving a change to
# the network front or to JSON reading (issue 16), and whenever there is time. CI's
# short run (run_fuzzers.sh, 20 s per target) only replays the seeds and scratches
# the surface. A failing input is left in BUILD_DIR/artifacts/; add it to
# fuzz/corpus/<target>/ as regression_<what> with the fix, so every later run
# (CI's too) replays it.
# usage: fuzz/run_long.sh [MINUTES per target (default 10)] [BUILD_DIR (default build/fuzz)] [TARGET...]
#   e.g. nice -n 10 bash fuzz/run_long.sh 10 build/fuzz client_frame
set -euo pipefail
cd "$(dirname "$0")/.."
minutes=${1:-10}
build_dir=${2:-build/fuzz}
shift $(($# > 2 ? 2 : $#))
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then targets=(client_frame http_router); fi

# run_fuzzers.sh builds the targets and runs them; AGENTHOST_FUZZ_TARGETS picks them.
AGENTHOST_FUZZ_TARGETS="${targets[*]}" \
  exec bash fuzz/run_fuzzers.sh "$build_dir" $((minutes * 60))
