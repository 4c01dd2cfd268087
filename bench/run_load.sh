#!/usr/bin/env bash
# Builds agenthostd, the no-op agent plugin, the load generator and the bare transport
# server in Release, then runs the fixed set of load scenarios against a fresh
# agenthostd (SQLite, events stored) and the same set against the bare transport
# server, and writes a table (bench/load_table.py) of the figures against the targets.
#
#   bench/run_load.sh [--out DIR] [--update-docs] [--duration S] [--idle-connections M]
#
# Scenarios (each against a freshly started server):
#   closed-1      1 user keeping 16 runs in flight        (closed loop)
#   closed-100    100 users, 1 run in flight each          (closed loop)
#   closed-1000   1000 users, 1 run in flight each         (closed loop)
#   stream        10 users, 1 run in flight each, 1,000 events per run (closed loop):
#                 events stored and delivered per second, as model answers stream
#   open-half     100 users, runs started at half agenthostd's peak rate (open loop)
#   idle          M idle authenticated connections (default 10,000): RSS per connection
#   wait-10k      1000 users start 10 runs each at once, each waiting 2 s in the agent
#                 (context().sleep_for): wall time of the wave, RSS per waiting run
#   wait-10k-hold agenthostd only: the same wave with 30 s waits, so that all 10,000
#                 wait at once even when starting them takes seconds: RSS per waiting run
#   hog-idle      agenthostd only: 1 user, 1 no-op run in flight (closed loop), alone
#   hog           the same user while 2 other users hold their caps (1,000 runs each)
#                 full of runs waiting through the whole window
# --postgres also runs closed-100, closed-1000 and stream against agenthostd on a
# throwaway PostgreSQL cluster (scripts/pg_test_cluster.sh; server "agenthostd-pg").
# Build directory: $AGENTHOST_BENCH_BUILD_DIR (default <repo>/build-bench). Results: DIR
# (default <build>/bench-results/load-<UTC time>) gets one JSON and one text report per
# scenario and server, load.json, load.md and command.txt. --update-docs also puts the
# table into docs/benchmarks.md (between its load-results markers).
set -euo pipefail

invocation="bench/run_load.sh$(printf ' %q' "$@")"
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${AGENTHOST_BENCH_BUILD_DIR:-$repo/build-bench}
out=""
doc_args=()
duration=10
warmup=2
idle_connections=10000
postgres=false
while [[ $# -gt 0 ]]; do
  case "$1" in
    --out) out=$2; shift 2 ;;
    --update-docs) doc_args=(--update-doc "$repo/docs/benchmarks.md"); shift ;;
    --duration) duration=$2; shift 2 ;;
    --idle-connections) idle_connections=$2; shift 2 ;;
    --postgres) postgres=true; shift ;;
    -h|--help) sed -n '2,29p' "$0"; exit 0 ;;
    *) echo "run_load.sh: unknown argument '$1' (try --help)" >&2; exit 2 ;;
  esac
done
out=${out:-$build/bench-results/load-$(date -u +%Y%m%dT%H%M%SZ)}

# As bench/run_micro.sh: a new build directory gets Ninja and no test suite. Warnings
# are not errors here: this build measures, CI's default preset checks the warnings
# (GCC 12 at -O3 reports false -Wrestrict positives in libstdc++ that -O2 does not).
fresh=()
if [[ ! -f $build/CMakeCache.txt ]]; then
  fresh=(-DAGENTHOST_BUILD_TESTS=OFF)
  command -v ninja >/dev/null && fresh+=(-G Ninja)
fi
cmake -S "$repo" -B "$build" "${fresh[@]}" -DCMAKE_BUILD_TYPE=Release -DAGENTHOST_WERROR=OFF >/dev/null
cmake --build "$build" --target agenthostd agenthost_load agenthost_bare_server loadbench_plugin

daemon=$build/host/daemon/agenthostd
loadgen=$build/bench/load/agenthost_load
bare=$build/bench/load/agenthost_bare_server
plugin=$build/bench/load/loadbench.so
mkdir -p "$out"

# 10,000 idle connections need as many descriptors in the server and in the client
# (separate processes); this machine caps a process at 20,000.
wanted_files=$((idle_connections + 1024))
hard_files=$(ulimit -Hn)
if [[ $hard_files != unlimited && $hard_files -lt $wanted_files ]]; then
  echo "run_load.sh: open files are capped at $hard_files; $idle_connections idle connections need $wanted_files" >&2
  exit 1
fi
ulimit -n "$wanted_files"

work=$(mktemp -d "${TMPDIR:-/tmp}/agenthost-load.XXXXXX")
server_pid=""
stop_server() {
  if [[ -n $server_pid ]]; then
    kill -TERM "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
    server_pid=""
  fi
}
pg_dir=""
stop_postgres() {
  [[ -n $pg_dir ]] && bash "$repo/scripts/pg_test_cluster.sh" stop "$pg_dir" >/dev/null 2>&1
  return 0
}
trap 'stop_server; stop_postgres; rm -rf "$work"' EXIT

python3 -c 'import secrets; print(secrets.token_hex(32))' > "$work/jwt-secret"
export AGENTHOST_JWT_SECRET
AGENTHOST_JWT_SECRET=$(cat "$work/jwt-secret")

# Runs one user may have going: the hog scenario's two users fill it.
hog_cap=1000
# Per-user limits raised out of the way (the benchmark measures the host, not its
# throttles): no rate limit, as many connections and runs as the scenarios use.
cat > "$work/agenthost.yaml" <<EOF
server:
  address: 127.0.0.1
  port: 0
  data_dir: data
  idle_timeout: 10m
  max_connections_per_user: 100000
  runs_per_second_per_user: 0
database:
  url: ""
plugins:
  paths: ["$plugin"]
limits:
  max_concurrent_runs_per_user: $hog_cap
  max_queued_runs_per_user: 100000
logging:
  level: info
auth:
  jwt:
    hs256_secret: "\${AGENTHOST_JWT_SECRET}"
EOF
cp "$work/agenthost.yaml" "$out/agenthost.yaml"
pg_url=""
if $postgres; then
  pg_dir=$(mktemp -d "${TMPDIR:-/tmp}/agenthost-load-pg.XXXXXX")
  pg_url=$(bash "$repo/scripts/pg_test_cluster.sh" start "$pg_dir")
  sed "s|^  url: \"\"|  url: \"$pg_url\"|" "$work/agenthost.yaml" > "$work/agenthost-pg.yaml"
  grep -q "url: \"postgresql" "$work/agenthost-pg.yaml" || { echo "run_load.sh: no PostgreSQL url in the config" >&2; exit 1; }
  cp "$work/agenthost-pg.yaml" "$out/agenthost-pg.yaml"
fi

# Empties the PostgreSQL database of the last scenario (the host migrates it again).
psql_reset() {
  psql -q -v ON_ERROR_STOP=1 "$1" -c 'DROP SCHEMA public CASCADE; CREATE SCHEMA public;' >/dev/null
}

# Starts a fresh agenthostd (empty database) or bare server; sets server_pid and port.
start_server() {
  local kind=$1 log=$work/$1.log
  rm -rf "$work/data"
  : >"$log"  # exists before the server opens it, for the polling below
  if [[ $kind == agenthostd ]]; then
    "$daemon" --config "$work/agenthost.yaml" >"$log" 2>&1 &
  elif [[ $kind == agenthostd-pg ]]; then
    # A fresh database as for SQLite: the cluster's tables emptied of the last scenario.
    psql_reset "$pg_url"
    "$daemon" --config "$work/agenthost-pg.yaml" >"$log" 2>&1 &
  else
    "$bare" --port 0 >"$log" 2>&1 &
  fi
  server_pid=$!
  port=""
  for _ in $(seq 300); do
    port=$(sed -n -e 's/.*agenthostd ready: .* port \([0-9]*\).*/\1/p' \
                  -e 's/^listening on port \([0-9]*\)$/\1/p' "$log" | head -n1)
    [[ -n $port ]] && return 0
    kill -0 "$server_pid" 2>/dev/null || break
    sleep 0.1
  done
  echo "run_load.sh: $kind did not start:" >&2
  cat "$log" >&2
  exit 1
}

status=0
commands=()
# run_scenario SERVER NAME ARGS...: one scenario against a fresh SERVER.
run_scenario() {
  local kind=$1 name=$2
  shift 2
  start_server "$kind"
  local cmd=("$loadgen" --port "$port" --server-pid "$server_pid" --label "$kind/$name"
             --json "$out/$kind-$name.json" "$@")
  commands+=("$(printf '%q ' "${cmd[@]}" | sed 's/ $//')")
  echo "== $kind $name: ${cmd[*]}" >&2
  local rc=0
  "${cmd[@]}" | tee "$out/$kind-$name.txt" || rc=$?
  if [[ $rc -ne 0 ]]; then
    echo "run_load.sh: $kind $name exited with $rc" >&2
    status=1
  fi
  stop_server
}

# hog: the holders' runs start at once and wait past the probe's whole window (the
# holders' load generator writes the ready file when all of them have started); then
# the probe user runs no-op runs in a closed loop, as in hog-idle.
run_hog() {
  start_server agenthostd
  local ready=$work/hog-ready
  rm -f "$ready"
  local hold=("$loadgen" --port "$port" --server-pid "$server_pid" --label agenthostd/hog-holders
              --json "$out/agenthostd-hog-holders.json" --mode burst --users 2
              --in-flight "$hog_cap" --events 0 --user-prefix hog-
              --wait-ms $(((warmup + duration + 5) * 1000)) --drain $((warmup + duration + 60))
              --ready-file "$ready")
  commands+=("$(printf '%q ' "${hold[@]}" | sed 's/ $//')")
  echo "== agenthostd hog-holders: ${hold[*]}" >&2
  "${hold[@]}" > "$out/agenthostd-hog-holders.txt" &
  local holders=$!
  for _ in $(seq 600); do
    [[ -f $ready ]] && break
    kill -0 "$holders" 2>/dev/null || break
    sleep 0.1
  done
  if [[ ! -f $ready ]]; then
    echo "run_load.sh: the hog holders' runs did not all start" >&2
    status=1
  fi
  local probe=("$loadgen" --port "$port" --server-pid "$server_pid" --label agenthostd/hog
               --json "$out/agenthostd-hog.json" --mode closed --users 1 --in-flight 1
               --user-prefix probe- "${timing[@]}")
  commands+=("$(printf '%q ' "${probe[@]}" | sed 's/ $//')")
  echo "== agenthostd hog: ${probe[*]}" >&2
  local rc=0
  "${probe[@]}" | tee "$out/agenthostd-hog.txt" || rc=$?
  [[ $rc -eq 0 ]] || { echo "run_load.sh: hog probe exited with $rc" >&2; status=1; }
  rc=0
  wait "$holders" || rc=$?
  cat "$out/agenthostd-hog-holders.txt"
  [[ $rc -eq 0 ]] || { echo "run_load.sh: hog holders exited with $rc" >&2; status=1; }
  stop_server
}

timing=(--warmup "$warmup" --duration "$duration")
load_avg_before=$(cat /proc/loadavg)
for kind in agenthostd bare; do
  run_scenario "$kind" closed-1 --mode closed --users 1 --in-flight 16 "${timing[@]}"
  run_scenario "$kind" closed-100 --mode closed --users 100 --in-flight 1 "${timing[@]}"
  run_scenario "$kind" closed-1000 --mode closed --users 1000 --in-flight 1 "${timing[@]}"
  run_scenario "$kind" stream --mode closed --users 10 --in-flight 1 --events 1000 "${timing[@]}"
done
if $postgres; then
  run_scenario agenthostd-pg closed-100 --mode closed --users 100 --in-flight 1 "${timing[@]}"
  run_scenario agenthostd-pg closed-1000 --mode closed --users 1000 --in-flight 1 "${timing[@]}"
  run_scenario agenthostd-pg stream --mode closed --users 10 --in-flight 1 --events 1000 "${timing[@]}"
fi

# Half of agenthostd's peak (the best closed-loop rate), for both servers.
half=$(python3 - "$out" <<'EOF'
import glob, json, sys
rates = [json.load(open(p))["runs_per_s"] for p in glob.glob(f"{sys.argv[1]}/agenthostd-closed-*.json")]
print(f"{max(rates + [2.0]) / 2:.0f}")
EOF
)
for kind in agenthostd bare; do
  run_scenario "$kind" open-half --mode open --users 100 --rate "$half" "${timing[@]}"
  run_scenario "$kind" idle --mode idle --connections "$idle_connections" --users 1000
done

# Runs that wait (a model call's shape): one wave of 10,000 two-second waits. No
# agent_thinking events: agent_started, the wait, agent_completed.
for kind in agenthostd bare; do
  run_scenario "$kind" wait-10k --mode burst --users 1000 --in-flight 10 --wait-ms 2000 \
    --events 0 --drain 120
done
run_scenario agenthostd wait-10k-hold --mode burst --users 1000 --in-flight 10 --wait-ms 30000 \
  --events 0 --drain 150
run_scenario agenthostd hog-idle --mode closed --users 1 --in-flight 1 --user-prefix probe- \
  "${timing[@]}"
run_hog
load_avg_after=$(cat /proc/loadavg)

printf '%s\n' "$invocation" "${commands[@]}" > "$out/command.txt"
commit=$(git -C "$repo" rev-parse --short HEAD 2>/dev/null || echo unknown)
if ! git -C "$repo" diff --quiet HEAD -- bench host plugin_api 2>/dev/null; then
  commit="$commit (with uncommitted changes)"
fi
python3 "$repo/bench/load_table.py" "$out" --invocation "$invocation" --commit "$commit" \
  --load-before "$load_avg_before" --load-after "$load_avg_after" "${doc_args[@]}" \
  > "$out/load.md" || status=$?
cat "$out/load.md"
echo "results: $out" >&2
exit $status
