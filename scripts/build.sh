#!/usr/bin/env bash
# Configures and builds one preset (default, asan or tsan) with Ninja and ccache.
# usage: scripts/build.sh [PRESET] [ninja targets...]
set -euo pipefail
cd "$(dirname "$0")/.."
# ccache keys on paths relative to the checkout, so a fresh clone elsewhere (CI)
# reuses what an earlier build compiled.
export CCACHE_BASEDIR="$PWD" CCACHE_NOHASHDIR=true
preset=${1:-default}
shift || true
if [ ! -f "build/$preset/build.ninja" ]; then
  cmake --preset "$preset" >/dev/null
fi
cmake --build --preset "$preset" -- "$@"
