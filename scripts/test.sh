#!/usr/bin/env bash
# Sets up, builds and runs every test: the default build against SQLite and a
# throwaway PostgreSQL cluster, then the ASan+UBSan and TSan builds.
# AGENTHOST_TEST_VARIANTS="default asan tsan" (the default) picks the builds.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh

variants=${AGENTHOST_TEST_VARIANTS:-default asan tsan}
pg_dir=$(mktemp -d /tmp/agenthost-pg.XXXXXX)
cleanup() { bash scripts/pg_test_cluster.sh stop "$pg_dir" >/dev/null 2>&1 || true; }
trap cleanup EXIT

if url=$(bash scripts/pg_test_cluster.sh start "$pg_dir"); then
  export AGENTHOST_TEST_PG_URL="$url"
  echo "test: PostgreSQL test cluster at $url"
else
  echo "test: WARNING: could not start a PostgreSQL test cluster; the PostgreSQL tests will be SKIPPED" >&2
  unset AGENTHOST_TEST_PG_URL
fi

status=0
for variant in $variants; do
  echo "test: === $variant build ==="
  start=$(date +%s)
  bash scripts/build.sh "$variant"
  if ! ctest --preset "$variant"; then
    status=1
  fi
  if [ "$variant" = default ] && ! bash fuzz/run_fuzzers.sh build/fuzz 20; then status=1; fi
  echo "test: $variant took $(( $(date +%s) - start )) s"
done
exit $status
