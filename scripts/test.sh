#!/usr/bin/env bash
# Sets up, builds and runs every test: the default build against SQLite and a
# throwaway PostgreSQL cluster, then the ASan+UBSan and TSan builds.
# AGENTHOST_TEST_VARIANTS="default asan tsan" (the default) picks the builds.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh

variants=${AGENTHOST_TEST_VARIANTS:-default asan tsan}
# Three full builds do not fit CI's time on two cores: the sanitizer builds cover the
# runtime (context, events, database, execution, registry, loader, auth, metrics), the
# isolation tests and the network front in process (server); the default build runs
# everything, including the process tests of the real daemon.
sanitized_tests="test_fiber test_ipc test_supervisor test_worker test_json test_text test_schema test_context test_events test_database test_execution test_isolation test_registry test_plugin_loader test_auth test_metrics test_server_units test_server test_sdk test_models"
sanitized_regex="^($(echo $sanitized_tests | tr ' ' '|')):"
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
export TSAN_OPTIONS=${TSAN_OPTIONS:-halt_on_error=1:second_deadlock_stack=1}
pg_dir=$(mktemp -d /tmp/agenthost-pg.XXXXXX)
cleanup() { bash scripts/pg_test_cluster.sh stop "$pg_dir" >/dev/null 2>&1 || true; }
trap cleanup EXIT

if url=$(bash scripts/pg_test_cluster.sh start "$pg_dir"); then
  export AGENTHOST_TEST_PG_URL="$url"
  echo "test: PostgreSQL test cluster at $url"
elif [ "${CI:-}" = true ]; then
  # In CI a skipped backend is a failure, not a warning (the test support says the same).
  echo "test: ERROR: could not start a PostgreSQL test cluster, and CI=true: the PostgreSQL tests must run" >&2
  exit 1
else
  echo "test: WARNING: could not start a PostgreSQL test cluster; the PostgreSQL tests will be SKIPPED" >&2
  unset AGENTHOST_TEST_PG_URL
fi

status=0
failures=()
failed_variants=()
for variant in $variants; do
  echo "test: === $variant build ==="
  start=$(date +%s)
  if [ "$variant" = default ]; then
    bash scripts/build.sh "$variant"
    ctest --preset "$variant" || { status=1; failed_variants+=("$variant"); }
  else
    # shellcheck disable=SC2086
    bash scripts/build.sh "$variant" $sanitized_tests
    ctest --preset "$variant" -R "$sanitized_regex" || { status=1; failed_variants+=("$variant"); }
  fi
  if [ "$variant" = default ] && ! bash fuzz/run_fuzzers.sh build/fuzz 20; then
    status=1
    failures+=("default: fuzzers")
  fi
  echo "test: $variant took $(( $(date +%s) - start )) s"
done
# The end of the output is what a CI log shows first: name every failure there.
if [ $status -ne 0 ]; then
  echo "test: FAILED: ${failures[*]}${failed_variants[*]:+ tests of: ${failed_variants[*]}}" >&2
  for variant in "${failed_variants[@]}"; do
    failed=build/$variant/Testing/Temporary/LastTestsFailed.log
    [ -s "$failed" ] && sed "s/^/test: $variant failed: /" "$failed" >&2
  done
fi
exit $status
