#!/usr/bin/env python3
"""Turns the per-scenario JSON files that bench/run_load.sh has agenthost_load write
(<server>-<scenario>.json, server agenthostd or bare) into the load section of
docs/benchmarks.md: each scenario against both servers, the ratio to the bare
transport, and the issue's targets with by how much each is met or missed. Writes
load.json (everything, machine included) next to the inputs. Standard library only."""

import argparse
import datetime
import json
import os
import platform
import sys

from report_common import cpu_model, update_doc

SERVERS = ("agenthostd", "agenthostd-pg", "bare")
SCENARIOS = [
    ("closed-1", "closed loop, 1 user, 16 runs in flight"),
    ("closed-100", "closed loop, 100 users, 1 run in flight each"),
    ("closed-1000", "closed loop, 1000 users, 1 run in flight each"),
    ("stream", "closed loop, 10 users, 1 run in flight each, 1,000 events per run"),
    ("open-half", "open loop, 100 users, half agenthostd's peak rate"),
]
# Targets of issue 14 (the event pipeline), which tightened issue 7's (p99 5 ms, 0.5 of
# bare, 16 KiB per idle connection) and added the streaming rate and CPU per run.
TARGET_RUNS_PER_S = 10_000
TARGET_P99_MS = 3.0
TARGET_IDLE_CONNECTIONS = 10_000
TARGET_KIB_PER_CONNECTION = 9.1  # no regression of issue 7's measured 9.1 KiB
TARGET_BARE_RATIO = 0.33
TARGET_STREAM_EVENTS_PER_S = 100_000
TARGET_CPU_US_PER_RUN = 150.0
WAIT_RUNS = 10_000
TARGET_WAIT_WALL_S = 3.0
TARGET_KIB_PER_WAITING_RUN = 32.0
TARGET_HOG_P99_RATIO = 2.0
# Scenarios with runs that wait, and the hog's parts (agenthostd-hog-holders.json: the
# two users holding their caps; agenthostd-hog.json: the third user meanwhile).
WAIT_SCENARIOS = ["wait-10k", "wait-10k-hold", "hog-idle", "hog", "hog-holders"]

BEGIN_MARK = "<!-- load-results:begin (written by bench/run_load.sh --update-docs) -->"
END_MARK = "<!-- load-results:end -->"




def run_time(directory):
    """When the run started: from run_load.sh's directory name (load-YYYYmmddTHHMMSSZ), else now."""
    try:
        stamp = os.path.basename(os.path.normpath(directory)).split("-", 1)[1]
        return datetime.datetime.strptime(stamp, "%Y%m%dT%H%M%SZ")
    except (IndexError, ValueError):
        return datetime.datetime.now(datetime.timezone.utc)


def load_results(directory):
    results = {}
    for server in SERVERS:
        for name in [s for s, _ in SCENARIOS] + ["idle"] + WAIT_SCENARIOS:
            path = os.path.join(directory, f"{server}-{name}.json")
            if os.path.exists(path):
                with open(path) as f:
                    results[(server, name)] = json.load(f)
    return results


def num(value, digits=0):
    if value is None:
        return "n/a"
    return f"{value:,.{digits}f}"


def ms(value):
    return "n/a" if value is None else f"{value:.2f} ms"


def errors(r):
    if r is None:
        return "n/a"
    text = str(r["errors"])
    if r.get("violations"):
        text += f", **{len(r['violations'])} protocol violations**"
    return text


def verdict_at_least(value, target, unit=""):
    if value is None:
        return "not measured"
    if value >= target:
        return f"met ({value / target:.2f}x the target)"
    return f"**MISSED** by {target - value:,.2f}{unit} ({value / target:.2f}x the target)"


def not_ok(r):
    """Runs that did not complete: failed, refused or still going when the drain ran out."""
    return r["runs_failed"] + r["runs_refused"] + r["runs_unfinished"]


def kib(memory):
    return (memory or {}).get("rss_kib")


def verdict_at_most(value, target, unit=""):
    if value is None:
        return "not measured"
    if value <= target:
        return f"met ({target / value:.2f}x margin)" if value > 0 else "met"
    return f"**MISSED** by {value - target:,.2f}{unit} ({value / target:.2f}x the target)"


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("directory")
    p.add_argument("--invocation", default="bench/run_load.sh")
    p.add_argument("--commit", default="unknown")
    p.add_argument("--load-before", default="")
    p.add_argument("--load-after", default="")
    p.add_argument("--update-doc", metavar="MD")
    args = p.parse_args()

    results = load_results(args.directory)
    get = lambda server, name: results.get((server, name))  # noqa: E731
    machine = {
        "cpu_model": cpu_model(),
        "cores": os.cpu_count(),
        "kernel": platform.release(),
        "load_before": args.load_before.split()[:3],
        "load_after": args.load_after.split()[:3],
    }
    closed = [s for s, _ in SCENARIOS if s.startswith("closed")]
    peak = max((get("agenthostd", s)["runs_per_s"] for s in closed if get("agenthostd", s)), default=None)
    bare_peak = max((get("bare", s)["runs_per_s"] for s in closed if get("bare", s)), default=None)
    half = get("agenthostd", "open-half")
    idle = get("agenthostd", "idle")
    bare_idle = get("bare", "idle")

    out = []
    w = out.append
    w("### Latest load figures")
    w("")
    w(f"- date: {run_time(args.directory):%Y-%m-%d %H:%M} UTC; commit: `{args.commit}`")
    w(f"- machine: {machine['cpu_model']}, {machine['cores']} cores, kernel {machine['kernel']}; "
      f"load average before: {' '.join(machine['load_before'])}, after: {' '.join(machine['load_after'])} "
      "(the machine is shared: the load generator, the server and whatever else runs share its cores)")
    w(f"- reproduce: `{args.invocation}` (from the repository root); the exact commands are in "
      "`command.txt` of the results directory")
    w("- agenthostd-pg (with `--postgres`): the same agenthostd on a throwaway PostgreSQL 15 cluster "
      "on this machine (scripts/pg_test_cluster.sh: fsync off), emptied before each scenario.")
    w("- agenthostd: Release, SQLite under a temporary directory, every event stored, logging `info`, "
      "defaults otherwise (the no-op agent in an `agenthost-worker` process, `plugins.isolation` `worker`; 2 io threads, 16 request threads; runs as fibers on 4 worker threads, at most 10,000 active runs, 16 blocking threads, 256 KiB fiber stacks; pool of 8 sessions, 2 per user); per-user "
      "limits raised out of the way (no rate limit, 100,000 connections, 1,000 concurrent and 100,000 "
      "queued runs per user). Each scenario starts a fresh server (empty database).")
    w("- each run: `start_run` of the no-op agent, which emits 5 `agent_thinking` events: 8 frames back "
      "(`run_accepted`, `agent_started`, 5 x `agent_thinking`, `agent_completed`), about 1.8 KB. "
      "Every frame checked (the user's own run ids, seq gapless from 1, terminal event last).")
    w("- bare: `agenthost_bare_server`, the same frames (same count, shape and size) sent at once for "
      "each `start_run`, nothing else: this machine's WebSocket transport limit.")
    w("")
    w("| scenario | server | runs/s | events/s | p50 | p99 | p99.9 | server CPU (cores) | CPU per run | server RSS | errors | vs bare |")
    w("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for name, what in SCENARIOS:
        for server in SERVERS:
            r = get(server, name)
            if r is None:
                continue
            lat = r["latency_ms"]
            ratio = ""
            b = get("bare", name)
            # At a fixed rate both servers do the same runs/s: compare their latency instead.
            if server != "bare" and b and b["runs_per_s"] and r["mode"] == "closed":
                ratio = f"{r['runs_per_s'] / b['runs_per_s']:.2f}"
            mem = r.get("server_memory") or {}
            w(f"| {name}: {what} | {server} | {num(r['runs_per_s'])} | {num(r['events_per_s'])} | "
              f"{ms(lat['p50'])} | {ms(lat['p99'])} | {ms(lat['p999'])} | {num(r.get('server_cores'), 2)} | "
              f"{num(r.get('server_cpu_us_per_run'))} us | "
              f"{num(mem.get('rss_kib', 0) / 1024, 1)} MiB | {errors(r)} | {ratio} |")
    w("")
    w("Latency: from the moment a run's `start_run` is sent (open loop: the moment it was due, so a "
      "stall shows instead of hiding) to its terminal event. Closed loop: each user starts its next run "
      "when one ends, so runs/s is the peak and latency is queueing at that peak. Server CPU: the "
      "server's CPU time over the window (2.0 = both cores). vs bare: agenthostd's runs/s over the bare "
      "server's in the same scenario (closed loop only).")
    w("")
    w("| idle connections | server | connected | RSS before | RSS after | per connection |")
    w("|---|---|---:|---:|---:|---:|")
    for server, r in (("agenthostd", idle), ("bare", bare_idle)):
        if r is None:
            continue
        before = (r.get("server_memory_before") or {}).get("rss_kib")
        after = (r.get("server_memory") or {}).get("rss_kib")
        w(f"| {r['connections']:,} over {r['users']:,} users | {server} | {r['connected']:,} | "
          f"{num(before / 1024 if before else None, 1)} MiB | {num(after / 1024 if after else None, 1)} MiB | "
          f"{num(r.get('kib_per_connection'), 1)} KiB |")
    w("")

    wait = get("agenthostd", "wait-10k")
    w("| runs that wait | server | runs ok / not ok | first start -> last terminal | p50 | p99 | max "
      "| RSS before | RSS while waiting | per waiting run | server CPU (s) | violations |")
    w("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for name, what in (("wait-10k", "1,000 users x 10 runs started at once, each waits 2 s"),
                       ("wait-10k-hold", "the same, each waits 30 s (all 10,000 wait at once)"),
                       ("hog-holders", "hog: 2 users x 1,000 runs started at once, each waits through the window")):
        for server in SERVERS:
            r = get(server, name)
            if r is None:
                continue
            lat = r["latency_ms"]
            before, waiting = kib(r.get("server_memory_before")), kib(r.get("server_memory_waiting"))
            w(f"| {name}: {what} | {server} | {r['runs_completed']:,} / {not_ok(r):,} of {r['runs_started']:,} | "
              f"{num(r['window_s'], 2)} s | {ms(lat['p50'])} | {ms(lat['p99'])} | {ms(lat['max'])} | "
              f"{num(before / 1024 if before else None, 1)} MiB | "
              f"{num(waiting / 1024 if waiting else None, 1)} MiB ({r.get('runs_waiting', 0):,} waiting) | "
              f"{num(r.get('kib_per_waiting_run'), 1)} KiB | "
              f"{num((r.get('server_cores') or 0) * r['window_s'], 1)} | {len(r.get('violations', []))} |")
    w("")
    w("Runs that wait: the agent waits through `context().sleep_for` (as for a model's answer) and emits "
      "no `agent_thinking` event: 3 frames per run (`run_accepted`, `agent_started`, `agent_completed`), "
      "every one checked. Wall time: from the wave's start (every `start_run` sent at once) to the last "
      "terminal event; one wave is 2 s of waiting. RSS while waiting: sampled the moment every run's "
      "`agent_started` had arrived and none had ended (if one ended first, at that moment: the column says "
      "how many were waiting); RSS before: after the connections were up, so the connections' memory is "
      "not counted. bare: the bare server holds each run's remaining frames on a timer, the cheapest wait.")
    w("")
    hog_idle, hog = get("agenthostd", "hog-idle"), get("agenthostd", "hog")
    w("| hog: the third user, closed loop, 1 no-op run in flight | runs/s | p50 | p99 | p99.9 | max | errors |")
    w("|---|---:|---:|---:|---:|---:|---:|")
    for label, r in (("alone (idle host)", hog_idle), ("while 2 users hold their caps of waiting runs", hog)):
        if r is None:
            continue
        lat = r["latency_ms"]
        w(f"| {label} | {num(r['runs_per_s'])} | {ms(lat['p50'])} | {ms(lat['p99'])} | {ms(lat['p999'])} | "
          f"{ms(lat['max'])} | {errors(r)} |")
    w("")

    w("#### Against the targets")
    w("")
    w("| target | measured | verdict |")
    w("|---|---|---|")
    w(f"| >= {TARGET_RUNS_PER_S:,} no-op runs/s, 5 events each, events stored, 2 cores | "
      f"peak {num(peak)} runs/s (best closed-loop scenario) | "
      f"{verdict_at_least(peak, TARGET_RUNS_PER_S, ' runs/s')} |")
    p99 = half["latency_ms"]["p99"] if half else None
    w(f"| p99 start-to-terminal <= {TARGET_P99_MS:g} ms at half the peak rate | "
      f"p99 {ms(p99)} at {num(half['target_rate'] if half else None)} runs/s "
      f"(achieved {num(half['runs_per_s'] if half else None)}) | {verdict_at_most(p99, TARGET_P99_MS, ' ms')} |")
    kib_idle = idle.get("kib_per_connection") if idle else None
    connected = idle["connected"] if idle else 0
    idle_verdict = verdict_at_most(kib_idle, TARGET_KIB_PER_CONNECTION, " KiB")
    if idle and connected < TARGET_IDLE_CONNECTIONS:
        idle_verdict += f"; only {connected:,} of {TARGET_IDLE_CONNECTIONS:,} connections"
    w(f"| {TARGET_IDLE_CONNECTIONS:,} idle connections, <= {TARGET_KIB_PER_CONNECTION:g} KiB each | "
      f"{connected:,} connected, {num(kib_idle, 1)} KiB each | {idle_verdict} |")
    ratio = peak / bare_peak if peak and bare_peak else None
    w(f"| throughput >= {TARGET_BARE_RATIO:g} of the bare transport | peak {num(peak)} / bare peak "
      f"{num(bare_peak)} runs/s = {num(ratio, 2)} | {verdict_at_least(ratio, TARGET_BARE_RATIO)} |")
    peak_run = max((get("agenthostd", s) for s in closed if get("agenthostd", s)),
                   key=lambda r: r["runs_per_s"], default=None)
    cpu_per_run = peak_run.get("server_cpu_us_per_run") if peak_run else None
    w(f"| server CPU per run <= {TARGET_CPU_US_PER_RUN:g} us | {num(cpu_per_run)} us at the peak "
      f"({peak_run['label'].split('/')[-1] if peak_run else 'n/a'}) | "
      f"{verdict_at_most(cpu_per_run, TARGET_CPU_US_PER_RUN, ' us')} |")
    for server in ("agenthostd", "agenthostd-pg"):
        stream = get(server, "stream")
        if stream is None:
            continue
        bare_stream = get("bare", "stream")
        w(f"| >= {TARGET_STREAM_EVENTS_PER_S:,} events/s stored and delivered, streaming ({server}) | "
          f"{num(stream['events_per_s'])} events/s (bare: "
          f"{num(bare_stream['events_per_s'] if bare_stream else None)}) | "
          f"{verdict_at_least(stream['events_per_s'], TARGET_STREAM_EVENTS_PER_S, ' events/s')} |")
    if wait:
        ok = wait["runs_completed"]
        w(f"| {WAIT_RUNS:,} runs waiting 2 s from 1,000 users: all complete | {ok:,} completed, "
          f"{not_ok(wait):,} not, {len(wait.get('violations', []))} protocol violations | "
          f"{'met' if ok == WAIT_RUNS and not_ok(wait) == 0 else '**MISSED**'} |")
        w(f"| wave wall time <= {TARGET_WAIT_WALL_S:g} s | {num(wait['window_s'], 2)} s "
          f"(bare: {num(get('bare', 'wait-10k')['window_s'] if get('bare', 'wait-10k') else None, 2)} s) | "
          f"{verdict_at_most(wait['window_s'], TARGET_WAIT_WALL_S, ' s')} |")
    # Memory per waiting run: from the wave whose runs all wait at once when there is one.
    for r in (get("agenthostd", "wait-10k-hold"), wait):
        if r and r.get("kib_per_waiting_run") is not None:
            per_run = r["kib_per_waiting_run"]
            w(f"| <= {TARGET_KIB_PER_WAITING_RUN:g} KiB server memory per waiting run | {num(per_run, 1)} KiB "
              f"({r.get('runs_waiting', 0):,} waiting at the sample, {r['label'].split('/')[-1]}) | "
              f"{verdict_at_most(per_run, TARGET_KIB_PER_WAITING_RUN, ' KiB')} |")
            break
    if hog_idle and hog:
        idle_p99, hog_p99 = hog_idle["latency_ms"]["p99"], hog["latency_ms"]["p99"]
        hog_ratio = hog_p99 / idle_p99 if idle_p99 else None
        w(f"| hog: third user's p99 <= {TARGET_HOG_P99_RATIO:g}x its p99 on an idle host | "
          f"{ms(hog_p99)} vs {ms(idle_p99)} alone = {num(hog_ratio, 2)}x | "
          f"{verdict_at_most(hog_ratio, TARGET_HOG_P99_RATIO, 'x')} |")
    w("")
    problems = [f"{s}/{n}: exit {r['exit_code']}" for (s, n), r in sorted(results.items()) if r["exit_code"]]
    if problems:
        w("**Scenarios that did not finish clean:** " + "; ".join(problems))
        w("")

    table = "\n".join(out)
    print(table)
    summary = {
        "machine": machine,
        "commit": args.commit,
        "invocation": args.invocation,
        "scenarios": {f"{s}/{n}": r for (s, n), r in sorted(results.items())},
        "targets": {
            "peak_runs_per_s": peak,
            "bare_peak_runs_per_s": bare_peak,
            "ratio_to_bare": ratio,
            "cpu_us_per_run_at_peak": cpu_per_run,
            "stream_events_per_s": (get("agenthostd", "stream") or {}).get("events_per_s"),
            "stream_events_per_s_pg": (get("agenthostd-pg", "stream") or {}).get("events_per_s"),
            "p99_ms_at_half_peak": p99,
            "idle_connected": connected,
            "kib_per_idle_connection": kib_idle,
            "wait_10k_wall_s": wait["window_s"] if wait else None,
            "kib_per_waiting_run": (get("agenthostd", "wait-10k-hold") or wait or {}).get("kib_per_waiting_run"),
            "hog_p99_ms": hog["latency_ms"]["p99"] if hog else None,
            "hog_idle_p99_ms": hog_idle["latency_ms"]["p99"] if hog_idle else None,
        },
    }
    with open(os.path.join(args.directory, "load.json"), "w") as f:
        json.dump(summary, f, indent=1)
    if args.update_doc:
        update_doc(args.update_doc, BEGIN_MARK, END_MARK, table, "load_table.py")
    return 1 if problems else 0




if __name__ == "__main__":
    sys.exit(main())
