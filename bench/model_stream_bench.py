#!/usr/bin/python3
"""Streaming model answers through agenthostd (issue 11): N concurrent runs of the
assistant plugin, each streaming an answer from the stand-in model server
(tests/support/fake_model_server.py), watched over WebSockets.

Measured:
- time to first delta added by the host: for each run, when its first model_delta
  event reached the WebSocket client, minus when the stand-in wrote the first text
  delta (both time.monotonic(), CLOCK_MONOTONIC on one machine); against the same
  figure for clients calling the stand-in directly (the same concurrency, raw HTTP),
  which is what the client and loopback cost without the host;
- model_delta events stored and delivered per second, and every answer checked
  (the deltas concatenate to it);
- agenthostd's RSS per streaming run: VmRSS with every run streaming, minus VmRSS
  with the connections open and no run.

usage: bench/model_stream_bench.py --daemon build/default/host/daemon/agenthostd
           --plugin-dir build/default/plugins [--runs 1000] [--users 10]
"""

import argparse
import asyncio
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

import websockets

HERE = os.path.dirname(os.path.abspath(__file__))
STAND_IN = os.path.join(HERE, "..", "tests", "support", "fake_model_server.py")


def start(argv, ready, stream):
    # The stream not read for the ready line goes nowhere: a full pipe would block the
    # process.
    proc = subprocess.Popen(argv, text=True,
                            stdout=subprocess.PIPE if stream == "out" else subprocess.DEVNULL,
                            stderr=subprocess.PIPE if stream == "err" else subprocess.DEVNULL)
    pipe = proc.stdout if stream == "out" else proc.stderr
    deadline = time.monotonic() + 60
    seen = ""
    while time.monotonic() < deadline:
        line = pipe.readline()
        if not line:
            break
        seen += line
        match = re.search(ready, line)
        if match:
            return proc, int(match.group(1))
    proc.kill()
    sys.exit("did not start: %s\n%s" % (argv[0], seen))


def rss_kib(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def percentile(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def answer_for(i, size):
    words = "The quick brown fox jumps over the lazy dog while the model streams run %d. " % i
    # The stand-in trims spaces around a directive's value: none at either end.
    return (words * (size // len(words) + 1))[:size].strip()


def directive(i, args):
    return "[[id=%s;answer=%s;chunk=%d;delay_ms=%d]]" % (
        i, answer_for(i, args.answer_bytes), args.chunk, args.delay_ms)


async def run_user(port, key, user_index, args, runs, first_seen, texts, done, counts):
    uri = "ws://127.0.0.1:%d/v1/ws" % port
    async with websockets.connect(uri, extra_headers={"Authorization": "Bearer " + key},
                                  max_size=None, max_queue=None) as ws:
        run_of = {}
        ids = [user_index * runs + k for k in range(runs)]
        await args.ready.wait()
        for i in ids:
            await ws.send(json.dumps({"type": "start_run", "request_id": "req-%d" % i,
                                      "agent": "assistant",
                                      "input": {"text": directive(i, args)}}))
        ended = 0
        while ended < runs:
            frame = json.loads(await ws.recv())
            now = time.monotonic()
            kind = frame.get("type")
            if kind == "run_accepted":
                run_of[frame["run_id"]] = int(frame["request_id"][4:])
            elif kind == "error":
                sys.exit("refused: %s" % frame)
            elif kind == "model_delta":
                i = run_of[frame["run_id"]]
                first_seen.setdefault(i, now)
                texts[i] = texts.get(i, "") + frame["payload"]["text"]
                counts["deltas"] += 1
            elif kind in ("agent_completed", "agent_error", "agent_death"):
                ended += 1
                done[run_of[frame["run_id"]]] = kind


async def direct_stream(port, i, args, first_seen):
    """The same request straight to the stand-in: the baseline without the host."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    body = json.dumps({"model": "stand-in", "stream": True,
                       "messages": [{"role": "user", "content": directive(i, args)}]}).encode()
    writer.write(b"POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: "
                 b"application/json\r\nContent-Length: %d\r\n\r\n" % len(body) + body)
    await writer.drain()
    while True:
        try:
            line = await asyncio.wait_for(reader.readline(), 30)
        except asyncio.TimeoutError:
            break  # counted: no first delta, or an answer without its end
        if not line:
            break
        if b'"content": "' in line and b'"content": ""' not in line and i not in first_seen:
            first_seen[i] = time.monotonic()
        if b"[DONE]" in line:
            break
    writer.close()


def stamps(port):
    with urllib.request.urlopen("http://127.0.0.1:%d/stamps" % port) as r:
        return {int(k): v for k, v in json.load(r).items()}


def reset(port):
    req = urllib.request.Request("http://127.0.0.1:%d/reset" % port, data=b"{}", method="POST")
    urllib.request.urlopen(req).read()


def added(first_seen, sent):
    return [(first_seen[i] - sent[i]) * 1000 for i in first_seen if i in sent]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--daemon", required=True)
    parser.add_argument("--plugin-dir", required=True)
    parser.add_argument("--runs", type=int, default=1000)
    parser.add_argument("--users", type=int, default=10)
    parser.add_argument("--answer-bytes", type=int, default=2000)
    parser.add_argument("--chunk", type=int, default=8)
    parser.add_argument("--delay-ms", type=int, default=20)
    args = parser.parse_args()
    per_user = args.runs // args.users

    stand_in, model_port = start(["/usr/bin/python3", STAND_IN], r"listening on port (\d+)", "out")
    work = tempfile.mkdtemp(prefix="agenthost-model-bench-")
    keys = ["bench-user-%03d-key-0123456789" % u for u in range(args.users)]
    config = os.path.join(work, "agenthost.yaml")
    with open(config, "w") as f:
        f.write("server:\n  port: 0\n  data_dir: %s\n  runs_per_second_per_user: 0\n"
                "  max_connections_per_user: 4\n" % os.path.join(work, "data"))
        f.write("plugins:\n  paths: [\"%s/assistant.so\"]\n" % args.plugin_dir)
        f.write("limits:\n  max_concurrent_runs_per_user: %d\n  max_queued_runs_per_user: %d\n"
                % (per_user, per_user))
        f.write("auth:\n  api_keys:\n")
        for u, key in enumerate(keys):
            f.write("    - user: bench%03d\n      key: \"%s\"\n" % (u, key))
        f.write("models:\n  default:\n    base_url: http://127.0.0.1:%d/v1\n    model: stand-in\n"
                "    max_concurrent_requests: %d\n" % (model_port, args.runs * 2))
    daemon, port = start([args.daemon, "--config", config],
                         r"agenthostd ready: .*port ([0-9]+)", "err")
    # The daemon's log is not read from here on: drain it so that it never blocks.
    asyncio_loop = asyncio.new_event_loop()

    async def drain():
        await asyncio_loop.run_in_executor(None, lambda: [None for _ in daemon.stderr])

    try:
        # 1. Through the host.
        first_seen, texts, done, counts = {}, {}, {}, {"deltas": 0}
        samples = []

        async def through_host():
            args.ready = asyncio.Event()
            asyncio_loop.create_task(drain())
            clients = [asyncio_loop.create_task(
                run_user(port, keys[u], u, args, per_user, first_seen, texts, done, counts))
                for u in range(args.users)]
            await asyncio.sleep(1.0)  # the connections are up
            rss_before = rss_kib(daemon.pid)
            started = time.monotonic()
            args.ready.set()
            while not all(c.done() for c in clients):
                samples.append((len(first_seen) - len(done), rss_kib(daemon.pid)))
                await asyncio.sleep(0.05)
            for c in clients:
                c.result()
            return rss_before, time.monotonic() - started

        rss_before, wall = asyncio_loop.run_until_complete(through_host())
        sent = stamps(model_port)
        host_added = added(first_seen, sent)
        streaming, rss_peak = max(samples, key=lambda s: (s[0], s[1]))
        wrong = [i for i in range(args.runs) if texts.get(i) != answer_for(i, args.answer_bytes)]
        completed = sum(1 for v in done.values() if v == "agent_completed")
        print(json.dumps({"through_host": {
            "completed": completed, "answers_wrong": len(wrong), "wall_s": round(wall, 2),
            "model_delta_events": counts["deltas"],
            "host_ttfd_ms_p50_p99_max": [round(percentile(host_added, p), 2) for p in (50, 99, 100)],
            "rss_before_mib": round(rss_before / 1024, 1), "rss_streaming_mib": round(rss_peak / 1024, 1),
            "streaming_at_sample": streaming}}), flush=True)

        # Every delivered event was stored first (docs/protocol.md): deliveries count both.
        # 2. The baseline: the same streams straight from the stand-in.
        reset(model_port)
        direct_first = {}

        async def direct():
            await asyncio.gather(*[direct_stream(model_port, 100000 + i, args, direct_first)
                                   for i in range(args.runs)])

        asyncio_loop.run_until_complete(direct())
        direct_sent = stamps(model_port)
        baseline = added(direct_first, direct_sent)
    finally:
        daemon.terminate()
        daemon.wait(timeout=60)
        stand_in.kill()

    report = {
        "runs": args.runs, "completed": completed, "answers_wrong": len(wrong),
        "wall_s": round(wall, 2),
        "stand_in_deltas_per_run": args.answer_bytes // args.chunk,
        "model_delta_events": counts["deltas"],
        "model_delta_events_per_s": round(counts["deltas"] / wall, 1),
        "stand_in_deltas_per_s": round(args.runs * (args.answer_bytes // args.chunk) / wall, 1),
        "host_ttfd_ms": {"p50": round(percentile(host_added, 50), 2),
                         "p99": round(percentile(host_added, 99), 2),
                         "max": round(max(host_added), 2)},
        "direct_ttfd_ms": {"p50": round(percentile(baseline, 50), 2),
                           "p99": round(percentile(baseline, 99), 2),
                           "max": round(max(baseline), 2)},
        "rss_before_mib": round(rss_before / 1024, 1),
        "rss_streaming_mib": round(rss_peak / 1024, 1),
        "streaming_at_sample": streaming,
        "kib_per_streaming_run": round((rss_peak - rss_before) / max(streaming, 1), 1),
    }
    print(json.dumps(report, indent=1))
    return 0 if completed == args.runs and not wrong else 1


if __name__ == "__main__":
    sys.exit(main())
