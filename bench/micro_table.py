#!/usr/bin/env python3
"""Turns the JSON of agenthost_micro_bench (run with --benchmark_repetitions and
--benchmark_report_aggregates_only=true) into the markdown table of
docs/benchmarks.md: medians, each benchmark's ratio to its baseline, and the run
scope's figures against the 2 us target. Standard library only."""

import argparse
import json
import platform
import sys

from report_common import cpu_model, nproc, update_doc

# Each measured benchmark -> the baseline it is read against (same argument suffix).
BASELINES = {
    "BM_Agent_PluginFactory": "BM_Agent_MakeUnique",
    "BM_RunScope_CreateDestroy_SQLite": "BM_Agent_MakeUnique",
    "BM_RunScopeParts_NoTransaction": "BM_Agent_MakeUnique",
    "BM_ExecutionContext_Create": "BM_ContextFields_CopyMakeShared",
    "BM_RandomId": "BM_IdString_Copy",
    "BM_Sanitize_Payload": "BM_Payload_Copy",
    "BM_Payload_Serialize": "BM_Payload_Copy",
    "BM_Router_Publish": "BM_Sink_DirectDeliver",
    "BM_Emitter_Emit": "BM_Event_HandBuiltDelivery",
    "BM_Schema_Validate_Fits": "BM_ToolInput_Copy",
    "BM_Schema_Validate_Refused": "BM_ToolInput_Copy",
    "BM_HandOff_OtherCpu": "BM_HandOff_SameCpu",
}

# The scope without its database round trips, summed from its parts.
SCOPE_PARTS = [
    "BM_Part_Context",
    "BM_Part_LibraryReference",
    "BM_Part_Emitter",
    "BM_Part_LeaseAcquireRelease",
    "BM_Part_ToolDispatcher",
    "BM_Agent_PluginFactory",
]
SCOPE_TARGET_NS = 2000.0

# Where --update-doc puts the table in docs/benchmarks.md.
BEGIN_MARK = "<!-- micro-results:begin (written by bench/run_micro.sh --update-docs) -->"
END_MARK = "<!-- micro-results:end -->"

UNIT_NS = {"ns": 1.0, "us": 1e3, "ms": 1e6, "s": 1e9}


def fmt_ns(ns):
    if ns is None:
        return "n/a"
    if ns < 1e3:
        return f"{ns:.1f} ns"
    if ns < 1e6:
        return f"{ns / 1e3:.2f} us"
    return f"{ns / 1e6:.2f} ms"


def fmt_ratio(value, base):
    if value is None or not base:
        return ""
    return f"{value / base:.2f}x"


def load(path):
    with open(path) as f:
        data = json.load(f)
    rows = {}  # run_name -> {aggregate: {real, cpu}}, in first-seen order
    order = []
    for b in data["benchmarks"]:
        if b.get("run_type") != "aggregate":
            continue
        name = b["run_name"]
        if name not in rows:
            rows[name] = {"counters": {}, "label": b.get("label", "")}
            order.append(name)
        agg = b["aggregate_name"]
        if b.get("error_occurred"):
            rows[name]["error"] = b.get("error_message", "error")
        if agg == "cv":  # a ratio, not a time
            rows[name]["cv"] = {"real": b["real_time"], "cpu": b["cpu_time"]}
            continue
        scale = UNIT_NS[b.get("time_unit", "ns")]
        rows[name][agg] = {"real": b["real_time"] * scale, "cpu": b["cpu_time"] * scale}
        if agg == "median":
            for key in ("json_bytes", "clean_bytes", "subscribers"):
                if key in b:
                    rows[name]["counters"][key] = b[key]
    return data["context"], rows, order


def split(name):
    """BM_X/arg:1 -> (BM_X, /arg:1)."""
    base, sep, rest = name.partition("/")
    return base, (sep + rest) if sep else ""


def median(rows, name, kind):
    row = rows.get(name)
    if not row or "median" not in row:
        return None
    return row["median"][kind]






def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("json")
    p.add_argument("--command", required=True, help="the exact command that produced the JSON")
    p.add_argument("--invocation", default="", help="how the script was called")
    p.add_argument("--commit", default="unknown")
    p.add_argument("--load-after", default="", help="/proc/loadavg when the run ended")
    p.add_argument("--update-doc", metavar="MD",
                   help=f"also replace the text between {BEGIN_MARK} and {END_MARK} in MD")
    args = p.parse_args()

    context, rows, order = load(args.json)
    out = []
    w = out.append
    w("### Latest figures")
    w("")
    w(f"- date: {context.get('date', '?')}; commit: `{args.commit}`")
    w(f"- machine: {cpu_model()}, nproc {nproc()} "
      f"({context.get('num_cpus', '?')} CPUs at {context.get('mhz_per_cpu', '?')} MHz per Google "
      f"Benchmark), kernel {platform.release()}")
    load_start = context.get("load_avg")
    if load_start:
        w(f"- load average at start: {', '.join(f'{x:.2f}' for x in load_start)}"
          + (f"; at end: {' '.join(args.load_after.split()[:3])}" if args.load_after else ""))
    w(f"- Google Benchmark library build: {context.get('library_build_type', '?')} "
      "(the library's own build type; the benchmarks and host code are Release)")
    if args.invocation:
        w(f"- reproduce: `{args.invocation}` (from the repository root)")
    w(f"- benchmark command: `{args.command}`")
    w("")
    w("Medians of 5 repetitions. CPU = the benchmark thread's CPU time; wall = elapsed time, "
      "which on a loaded machine also counts time the thread waited for a core. "
      "CV = coefficient of variation of the 5 wall-time repetitions. Ratio = median CPU time "
      "over the baseline's median CPU time (wall ratio in brackets).")
    w("")
    w("| Benchmark | median CPU | median wall | CV | baseline | ratio |")
    w("|---|---:|---:|---:|---|---:|")
    errors = []
    for name in order:
        row = rows[name]
        if "error" in row:
            errors.append(f"{name}: {row['error']}")
        base, suffix = split(name)
        baseline = BASELINES.get(base)
        baseline_name = (baseline + suffix) if baseline and baseline + suffix in rows else baseline
        cpu, real = median(rows, name, "cpu"), median(rows, name, "real")
        cv = row.get("cv", {}).get("real")
        extra = ", ".join(
            f"{k}={v:.0f}" for k, v in row["counters"].items() if k != "subscribers")
        label = name + (f" ({row['label']}; {extra})" if row["label"] else "")
        ratio = ""
        if baseline_name:
            ratio = fmt_ratio(cpu, median(rows, baseline_name, "cpu"))
            wall_ratio = fmt_ratio(real, median(rows, baseline_name, "real"))
            if ratio:
                ratio += f" ({wall_ratio})"
        w(f"| {label} | {fmt_ns(cpu)} | {fmt_ns(real)} | "
          f"{'' if cv is None else f'{cv * 100:.1f} %'} | {baseline_name or ''} | {ratio} |")
    w("")

    # The run scope against its target.
    w("#### Run scope create + destroy against the 2 us target (without the database round trip)")
    w("")
    w("| Figure | what it includes | median CPU | median wall | vs 2 us (CPU / wall) |")
    w("|---|---|---:|---:|---|")

    def target(ns):
        if ns is None:
            return "n/a"
        if ns <= SCOPE_TARGET_NS:
            return f"met ({SCOPE_TARGET_NS / ns:.2f}x margin)"
        return f"MISSED by {fmt_ns(ns - SCOPE_TARGET_NS)} ({ns / SCOPE_TARGET_NS:.2f}x)"

    def figure(title, what, cpu, real, judged=True):
        verdict = f"{target(cpu)} / {target(real)}" if judged else ""
        w(f"| {title} | {what} | {fmt_ns(cpu)} | {fmt_ns(real)} | {verdict} |")

    whole = {k: median(rows, "BM_RunScope_CreateDestroy_SQLite", k) for k in ("cpu", "real")}
    trips = {k: median(rows, "BM_Sqlite_BeginRollback", k) for k in ("cpu", "real")}
    assembled = {k: median(rows, "BM_RunScopeParts_NoTransaction", k) for k in ("cpu", "real")}
    parts = {k: [median(rows, n, k) for n in SCOPE_PARTS] for k in ("cpu", "real")}
    summed = {k: (sum(v) if all(x is not None for x in v) else None) for k, v in parts.items()}
    figure("(a) whole scope, SQLite", "make_run_context + open_scope (lease) + agent; agent "
           "deleted, ~RunScope (lease returned); echo never calls db(), so no BEGIN is sent",
           whole["cpu"], whole["real"])
    figure("BEGIN + ROLLBACK", "what a run that uses the database adds: the two SQLite "
           "statements alone, lease held", trips["cpu"], trips["real"], judged=False)
    figure("(b) parts assembled, no transaction", "the same parts in RunScope's order, "
           "a bare pool lease instead of the transaction", assembled["cpu"], assembled["real"])
    figure("(b') sum of parts", " + ".join(n.replace("BM_", "") for n in SCOPE_PARTS),
           summed["cpu"], summed["real"])
    figure("baseline: std::make_unique<EchoAgent>", "the agent alone",
           median(rows, "BM_Agent_MakeUnique", "cpu"), median(rows, "BM_Agent_MakeUnique", "real"),
           judged=False)
    w("")

    # What the sanitiser and the emitter add on top of their baselines.
    w("#### Net costs (median CPU, measured minus baseline)")
    w("")
    w("| Figure | median CPU |")
    w("|---|---:|")
    for kind, arg in (("typical", "0"), ("large", "1")):
        san = median(rows, f"BM_Sanitize_Payload/large:{arg}", "cpu")
        copy = median(rows, f"BM_Payload_Copy/large:{arg}", "cpu")
        if san is not None and copy is not None:
            w(f"| sanitiser on the {kind} payload, less the copy of its input | "
              f"{fmt_ns(san - copy)} |")
    emit = median(rows, "BM_Emitter_Emit", "cpu")
    hand = median(rows, "BM_Event_HandBuiltDelivery", "cpu")
    if emit is not None and hand is not None:
        w(f"| emit() over a hand-built delivery (checks, sanitiser, router, lock) | "
          f"{fmt_ns(emit - hand)} |")
    ctx = median(rows, "BM_ExecutionContext_Create/metadata_keys:0", "cpu")
    fields = median(rows, "BM_ContextFields_CopyMakeShared/metadata_keys:0", "cpu")
    if ctx is not None and fields is not None:
        w(f"| context validation (create less copy + make_shared, no metadata) | "
          f"{fmt_ns(ctx - fields)} |")
    w("")
    if errors:
        w("**Benchmarks that reported an error:** " + "; ".join(errors))
        w("")
    table = "\n".join(out)
    print(table)
    if args.update_doc:
        update_doc(args.update_doc, BEGIN_MARK, END_MARK, table, "micro_table.py")
    return 1 if errors else 0




if __name__ == "__main__":
    sys.exit(main())
