#!/usr/bin/env bash
# Issue 13's figures: what running agents in worker processes costs, and how fast a
# crashed worker is replaced. Builds agenthostd, agenthost-worker, the no-op agent
# plugin and the load generator in Release (as bench/run_load.sh), then, in one run:
#   short runs   100 users, 1 no-op run in flight each (closed loop), the plugin in
#                isolation in_process, worker and dedicated, one fresh agenthostd each:
#                runs/s, p99 start -> terminal event, CPU of agenthostd and its workers
#   replacement  agenthostd (isolation worker) under the same load; one worker process
#                is sent SIGSEGV, 10 times: time from the signal to the replacement
#                announcing it takes runs (the daemon's log, ms), and runs that failed
#
#   bench/run_isolation.sh [--out DIR] [--update-docs] [--duration S] [--processes N]
#
# --update-docs puts the table into docs/benchmarks.md (between its isolation-results
# markers). Build directory: $AGENTHOST_BENCH_BUILD_DIR (default <repo>/build-bench).
set -euo pipefail

invocation="bench/run_isolation.sh"
[[ $# -gt 0 ]] && invocation+=$(printf ' %q' "$@")
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${AGENTHOST_BENCH_BUILD_DIR:-$repo/build-bench}
out=""
update_docs=false
duration=10
warmup=2
processes=2
while [[ $# -gt 0 ]]; do
  case "$1" in
    --out) out=$2; shift 2 ;;
    --update-docs) update_docs=true; shift ;;
    --duration) duration=$2; shift 2 ;;
    --processes) processes=$2; shift 2 ;;
    -h|--help) sed -n '2,15p' "$0"; exit 0 ;;
    *) echo "run_isolation.sh: unknown argument '$1' (try --help)" >&2; exit 2 ;;
  esac
done
out=${out:-$build/bench-results/isolation-$(date -u +%Y%m%dT%H%M%SZ)}

fresh=()
if [[ ! -f $build/CMakeCache.txt ]]; then
  fresh=(-DAGENTHOST_BUILD_TESTS=OFF)
  command -v ninja >/dev/null && fresh+=(-G Ninja)
fi
cmake -S "$repo" -B "$build" "${fresh[@]}" -DCMAKE_BUILD_TYPE=Release -DAGENTHOST_WERROR=OFF >/dev/null
cmake --build "$build" --target agenthostd agenthost-worker agenthost_load loadbench_plugin

daemon=$build/host/daemon/agenthostd
loadgen=$build/bench/load/agenthost_load
plugin=$build/bench/load/loadbench.so
mkdir -p "$out"
ulimit -n 4096

work=$(mktemp -d "${TMPDIR:-/tmp}/agenthost-isolation.XXXXXX")
server_pid=""
stop_server() {
  if [[ -n $server_pid ]]; then
    kill -TERM "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
    server_pid=""
  fi
}
trap 'stop_server; rm -rf "$work"' EXIT

export AGENTHOST_JWT_SECRET
AGENTHOST_JWT_SECRET=$(python3 -c 'import secrets; print(secrets.token_hex(32))')

# config MODE: the load benchmark's configuration with the plugin in isolation MODE.
config() {
  cat <<EOF
server:
  address: 127.0.0.1
  port: 0
  data_dir: data
  idle_timeout: 10m
  max_connections_per_user: 100000
  runs_per_second_per_user: 0
plugins:
  paths: ["$plugin"]
  isolation:
    default: $1
workers:
  processes: $processes
limits:
  max_concurrent_runs_per_user: 1000
  max_queued_runs_per_user: 100000
logging:
  level: info
auth:
  jwt:
    hs256_secret: "\${AGENTHOST_JWT_SECRET}"
EOF
}

start_server() {
  local mode=$1 log=$work/$1.log
  rm -rf "$work/data"
  config "$mode" > "$work/$mode.yaml"
  cp "$work/$mode.yaml" "$out/$mode.yaml"
  : >"$log"
  (cd "$work" && exec "$daemon" --config "$work/$mode.yaml") >"$log" 2>&1 &
  server_pid=$!
  port=""
  for _ in $(seq 300); do
    port=$(sed -n 's/.*agenthostd ready: .* port \([0-9]*\).*/\1/p' "$log" | head -n1)
    [[ -n $port ]] && return 0
    kill -0 "$server_pid" 2>/dev/null || break
    sleep 0.1
  done
  echo "run_isolation.sh: agenthostd ($mode) did not start:" >&2
  cat "$log" >&2
  exit 1
}

load_avg_before=$(cat /proc/loadavg)
for mode in in_process worker dedicated; do
  start_server "$mode"
  "$loadgen" --port "$port" --server-pid "$server_pid" --label "$mode/closed-100" \
    --json "$out/$mode-closed-100.json" --mode closed --users 100 --in-flight 1 \
    --warmup "$warmup" --duration "$duration" | tee "$out/$mode-closed-100.txt"
  stop_server
done

# Replacement: SIGSEGV to one worker at a time while the load runs.
start_server worker
"$loadgen" --port "$port" --server-pid "$server_pid" --label "worker/crashes" \
  --json "$out/worker-crashes.json" --mode closed --users 100 --in-flight 1 \
  --warmup 1 --duration 25 > "$out/worker-crashes.txt" &
load=$!
sleep 2
for _ in $(seq 10); do
  victim=$(cat /proc/"$server_pid"/task/*/children | tr ' ' '\n' | grep -v '^$' | head -n1)
  date -u +"KILL %Y-%m-%dT%H:%M:%S.%3NZ $victim" >> "$work/kills.txt"
  kill -SEGV "$victim"
  sleep 2
done
wait "$load" || true
cp "$work/worker.log" "$out/worker-crashes.log"
cp "$work/kills.txt" "$out/kills.txt"
stop_server
load_avg_after=$(cat /proc/loadavg)

commit=$(git -C "$repo" rev-parse --short HEAD 2>/dev/null || echo unknown)
python3 - "$out" "$invocation" "$commit" "$load_avg_before" "$load_avg_after" "$update_docs" \
  "$repo/docs/benchmarks.md" <<'EOF' | tee "$out/isolation.md"
import datetime, json, re, sys
out, invocation, commit, before, after, update, doc = sys.argv[1:8]
def load(name):
    return json.load(open(f"{out}/{name}.json"))
rows = []
base = load("in_process-closed-100")
for mode in ["in_process", "worker", "dedicated"]:
    r = load(f"{mode}-closed-100")
    per_run = r.get("server_cpu_us_per_run")
    rows.append((mode, r["runs_per_s"], r["runs_per_s"] / base["runs_per_s"], r["latency_ms"]["p99"],
                 per_run))
def ts(text):
    return datetime.datetime.strptime(text.rstrip("Z"), "%Y-%m-%dT%H:%M:%S.%f")
kills = [ts(l.split()[1]) for l in open(f"{out}/kills.txt")]
ready = [ts(m.group(1)) for m in re.finditer(r"^(\S+) info worker \d+: plugins loaded, taking runs",
                                              open(f"{out}/worker-crashes.log").read(), re.M)]
gaps = []
for k in kills:
    later = [r for r in ready if r >= k]
    if later:
        gaps.append((min(later) - k).total_seconds() * 1000)
crash_run = load("worker-crashes")
lines = [f"Measured {datetime.datetime.utcnow():%Y-%m-%d %H:%M} UTC, commit {commit}, `{invocation}`; "
         f"load average before {before.split()[0]}, after {after.split()[0]}.", "",
         "| isolation | short runs/s (100 users) | of in_process | p99 start -> end (ms) | CPU per run (us, host + workers) |",
         "|---|---|---|---|---|"]
for mode, rate, ratio, p99, cpu in rows:
    lines.append(f"| `{mode}` | {rate:,.0f} | {ratio:.2f} | {p99:.1f} | {cpu:,.0f} |" if cpu else
                 f"| `{mode}` | {rate:,.0f} | {ratio:.2f} | {p99:.1f} | - |")
lines.append("")
if gaps:
    gaps.sort()
    lines.append(f"Worker crash (SIGSEGV) to its replacement taking runs, {len(gaps)} crashes under "
                 f"the 100-user load: median {gaps[len(gaps)//2]:.0f} ms, max {gaps[-1]:.0f} ms; "
                 f"meanwhile {crash_run['runs_per_s']:,.0f} runs/s overall, "
                 f"{crash_run['runs_failed']} runs failed "
                 f"(those on the killed worker: agent_death worker_crashed).")
text = "\n".join(lines) + "\n"
print(text)
if update == "true":
    d = open(doc).read()
    start, end = "<!-- isolation-results:start -->", "<!-- isolation-results:end -->"
    if start in d and end in d:
        d = d[:d.index(start) + len(start)] + "\n" + text + d[d.index(end):]
        open(doc, "w").write(d)
    else:
        print(f"run_isolation.sh: {doc} has no isolation-results markers", file=sys.stderr)
EOF
echo "results: $out" >&2
