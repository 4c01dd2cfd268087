#!/usr/bin/python3
"""An independent WebSocket client against the real agenthostd (issue 4).

Drives the daemon with Python's `websockets` (Debian's python3-websockets), not the
host's own Beast client, so that a protocol detail both sides of our C++ get wrong
the same way still shows up. Starts agenthostd on port 0 with a temp data dir and a
config derived from config/agenthost.yaml, issues tokens with --issue-token, and
checks: an echo run streams in seq order to agent_completed; another user sees
nothing of it; reconnect + subscribe{after} resumes exactly once; bad frames get
error frames on a connection that stays open; missing or bad credentials get 401 on
the upgrade; SIGTERM stops the daemon with exit 0.

usage: /usr/bin/python3 test_ws_client.py --daemon PATH --plugin-dir DIR --source-dir DIR
Prints one line per test and "N passed, N failed"; exits non-zero on any failure.
"""

import argparse
import asyncio
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import traceback
from pathlib import Path

try:
    import websockets
    from websockets.exceptions import ConnectionClosed, InvalidStatusCode
except ImportError as e:  # pragma: no cover - environment problem, reported clearly
    print(f"cannot import websockets ({e}): run this with /usr/bin/python3 and "
          "install Debian's python3-websockets", file=sys.stderr)
    sys.exit(2)

STARTUP_DEADLINE = 60.0  # seconds for "listening on" to appear
FRAME_DEADLINE = 30.0  # seconds for any one expected frame
STOP_DEADLINE = 60.0  # seconds for SIGTERM to end the daemon (drain_timeout is 30 s)
SECRET = "python-ws-client-test-secret-0123456789abcdef"


class Daemon:
    """agenthostd as a child process; its stderr is drained into `log`."""

    def __init__(self, args, workdir: Path):
        self.args = args
        self.workdir = workdir
        self.env = dict(os.environ,
                        AGENTHOST_JWT_SECRET=SECRET,
                        AGENTHOST_PLUGIN_DIR=str(args.plugin_dir),
                        AGENTHOST_DATA_DIR=str(workdir / "data"))
        self.config = workdir / "agenthost.yaml"
        self.log = []
        self.port = None
        self.proc = None

    def write_config(self):
        shipped = (self.args.source_dir / "config" / "agenthost.yaml").read_text()
        derived, n = re.subn(r"(?m)^  port: \d+$", "  port: 0", shipped)
        if n != 1:
            raise RuntimeError("config/agenthost.yaml has no single '  port: N' line to set to 0")
        self.config.write_text(derived)
        (self.workdir / "data").mkdir()

    def issue_token(self, user, secret=SECRET):
        env = dict(self.env, AGENTHOST_JWT_SECRET=secret)
        r = subprocess.run([str(self.args.daemon), "--config", str(self.config),
                            "--issue-token", user],
                           env=env, capture_output=True, text=True, timeout=60)
        if r.returncode != 0 or not r.stdout.strip():
            raise RuntimeError(f"--issue-token {user} failed ({r.returncode}): {r.stderr}")
        return r.stdout.strip().splitlines()[-1]

    async def start(self):
        self.proc = await asyncio.create_subprocess_exec(
            str(self.args.daemon), "--config", str(self.config), env=self.env,
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        listening = asyncio.get_running_loop().create_future()

        async def drain():
            while line := await self.proc.stderr.readline():
                text = line.decode(errors="replace").rstrip()
                self.log.append(text)
                m = re.search(r"listening on (\S+):(\d+)", text)
                if m and not listening.done():
                    listening.set_result(int(m.group(2)))
            if not listening.done():
                listening.set_exception(RuntimeError("agenthostd exited before listening"))

        self.drainer = asyncio.create_task(drain())
        try:
            self.port = await asyncio.wait_for(listening, STARTUP_DEADLINE)
        except Exception:
            raise RuntimeError("agenthostd did not log 'listening on' in time:\n" +
                               "\n".join(self.log[-30:]))

    async def stop(self):
        """SIGTERM; returns the exit code (None when it had to be killed)."""
        if self.proc.returncode is not None:
            return self.proc.returncode
        self.proc.send_signal(signal.SIGTERM)
        try:
            code = await asyncio.wait_for(self.proc.wait(), STOP_DEADLINE)
        except asyncio.TimeoutError:
            self.proc.kill()
            await self.proc.wait()
            return None
        await self.drainer
        return code

    def url(self, query=""):
        return f"ws://127.0.0.1:{self.port}/v1/ws{query}"


def connect(daemon, token=None, query=""):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return websockets.connect(daemon.url(query), extra_headers=headers,
                              open_timeout=FRAME_DEADLINE, close_timeout=5)


async def recv_json(ws):
    raw = await asyncio.wait_for(ws.recv(), FRAME_DEADLINE)
    if not isinstance(raw, str):
        raise AssertionError(f"expected a text frame, got binary {raw!r:.200}")
    return json.loads(raw)


async def expect(cond, what):
    if not cond:
        raise AssertionError(what)


async def run_echo(ws, request_id, text):
    """Starts echo; returns (accepted frame, events of that run up to agent_completed)."""
    await ws.send(json.dumps({"type": "start_run", "request_id": request_id, "agent": "echo",
                              "input": {"text": text}}))
    accepted, events = None, []
    while not events or events[-1]["type"] not in ("agent_completed", "agent_error",
                                                     "agent_cancelled"):
        frame = await recv_json(ws)
        if frame["type"] == "run_accepted":
            await expect(frame.get("request_id") == request_id, f"run_accepted echoes {request_id}: {frame}")
            accepted = frame
        elif frame["type"] == "error":
            raise AssertionError(f"start_run refused: {frame}")
        elif frame["type"] != "pong":
            events.append(frame)
    await expect(accepted is not None, "run_accepted arrives before the terminal event")
    run_id = accepted["run_id"]
    for e in events:
        await expect(e.get("run_id") == run_id, f"an event of another run on this connection: {e}")
    return accepted, events


def check_stream(accepted, events, text):
    seqs = [e["seq"] for e in events]
    assert seqs == list(range(1, len(events) + 1)), f"seqs are 1..n in order: {seqs}"
    assert events[0]["type"] == "agent_started", f"first event is agent_started: {events[0]}"
    assert events[-1]["type"] == "agent_completed", f"last event is agent_completed: {events[-1]}"
    for e in events:
        for field in ("type", "run_id", "thread_id", "agent_name", "seq", "timestamp", "payload"):
            assert field in e, f"event envelope has {field}: {e}"
        assert e["thread_id"] == accepted["thread_id"], f"event thread_id matches run_accepted: {e}"
        assert e["agent_name"] == "echo", f"agent_name is echo: {e}"
    assert text in json.dumps(events[-1]["payload"]), \
        f"agent_completed carries the echoed input {text!r}: {events[-1]}"


class Suite:
    def __init__(self, daemon, alice, bob):
        self.daemon, self.alice, self.bob = daemon, alice, bob
        self.first_run = None  # (accepted, events) of alice's first echo run

    async def test_echo_streams_in_seq_order(self):
        async with connect(self.daemon, self.alice) as ws:
            accepted, events = await run_echo(ws, "alice-1", "hello from alice")
        check_stream(accepted, events, "hello from alice")
        self.first_run = (accepted, events)

    async def test_other_user_sees_nothing_of_alice(self):
        run_id = self.first_run[0]["run_id"]
        # Bob authenticates with ?access_token= (what browsers use).
        async with connect(self.daemon, query=f"?access_token={self.bob}") as bob, \
                connect(self.daemon, self.alice) as alice:
            # Both run at once; each connection sees only its own run.
            (_, bob_events), (_, alice_events) = await asyncio.gather(
                run_echo(bob, "bob-1", "bob's secret"), run_echo(alice, "alice-2", "alice again"))
            assert all("alice" not in json.dumps(e) for e in bob_events), "bob saw alice's data"
            assert all("bob" not in json.dumps(e) for e in alice_events), "alice saw bob's data"

            # Alice's run is, for Bob, exactly like a run that does not exist.
            answers = []
            for rid, target in (("s-alice", run_id), ("s-none", "no-such-run")):
                await bob.send(json.dumps({"type": "subscribe", "run_id": target, "after": 0,
                                           "request_id": rid}))
                await bob.send(json.dumps({"type": "ping", "request_id": f"p-{rid}"}))
                got, ponged = [], False
                while not got:
                    try:
                        # After the pong, a refusal may still be on its way: wait a little.
                        frame = await asyncio.wait_for(recv_json(bob), 3 if ponged else None)
                    except asyncio.TimeoutError:
                        break  # nothing at all is an acceptable answer too
                    if frame["type"] == "error" and frame.get("request_id") == rid:
                        got.append(frame)
                    else:
                        assert frame["type"] == "pong", f"bob got a frame for {target}: {frame}"
                        ponged = True
                answers.append(got)
            assert all(not a or a[0]["code"] == "not_found" for a in answers), \
                f"subscribe to another user's run: not_found or nothing: {answers}"
            assert [bool(a) for a in answers][0] == [bool(a) for a in answers][1] and \
                (not answers[0] or answers[0][0]["code"] == answers[1][0]["code"]), \
                f"another user's run looks exactly like a missing one: {answers}"

    async def test_reconnect_and_resume_after_seq(self):
        accepted, events = self.first_run
        async with connect(self.daemon, self.alice) as ws:
            await ws.send(json.dumps({"type": "subscribe", "run_id": accepted["run_id"], "after": 1,
                                      "request_id": "resume"}))
            got = []
            while not got or got[-1]["type"] != "agent_completed":
                frame = await recv_json(ws)
                assert frame["type"] != "error", f"subscribe refused: {frame}"
                got.append(frame)
            # Anything more for this run before the pong would be a repeat.
            await ws.send(json.dumps({"type": "ping", "request_id": "after-resume"}))
            while (frame := await recv_json(ws))["type"] != "pong":
                got.append(frame)
        assert [e["seq"] for e in got] == [e["seq"] for e in events[1:]], \
            f"after=1 gives every later event exactly once: {[e['seq'] for e in got]}"
        assert got == events[1:], "replayed events equal the live ones"

    async def test_bad_frames_get_errors_and_connection_stays_open(self):
        async with connect(self.daemon, self.alice) as ws:
            cases = [
                ("not json at all", None, "invalid_json"),
                ("[1, 2]", None, "invalid_json"),
                (json.dumps({"type": "launch_rockets", "request_id": "b1"}), "b1", "unknown_type"),
                (json.dumps({"type": "subscribe", "request_id": "b2"}), "b2", "missing_field"),
                (json.dumps({"type": "subscribe", "run_id": 7, "request_id": "b3"}), "b3",
                 "invalid_field"),
                (json.dumps({"type": "ping", "request_id": "b4", "extra": 1}), "b4",
                 "unknown_field"),
            ]
            for text, request_id, code in cases:
                await ws.send(text)
                frame = await recv_json(ws)
                assert frame["type"] == "error" and frame["code"] == code, \
                    f"{text!r} gets error {code}: {frame}"
                assert frame.get("message"), f"error frame has a message: {frame}"
                if request_id:
                    assert frame.get("request_id") == request_id, f"echoes {request_id}: {frame}"
            await ws.send(json.dumps({"type": "ping", "request_id": "still-open"}))
            frame = await recv_json(ws)
            assert frame == {"type": "pong", "request_id": "still-open"}, f"pong: {frame}"

    async def test_error_for_non_ascii_names_is_valid_utf8(self):
        # The host cuts echoed client text (a frame type, a member name); a cut inside
        # a multi-byte character would make the error frame invalid UTF-8, which a
        # client must answer by closing the connection (RFC 6455: 1007).
        async with connect(self.daemon, self.alice) as ws:
            for text in (json.dumps({"type": "a" + "\u00e9" * 40}, ensure_ascii=False),
                         json.dumps({"type": "ping", "a" + "\u00e9" * 40: 1}, ensure_ascii=False)):
                await ws.send(text)
                try:
                    frame = await recv_json(ws)
                except ConnectionClosed as e:
                    raise AssertionError(f"error frame for {text!r} closed the connection "
                                         f"({e.rcvd or e.sent}): not valid UTF-8")
                assert frame["type"] == "error", f"error frame for {text!r}: {frame}"

    async def test_missing_or_bad_credentials_get_401(self):
        wrong_key = self.daemon.issue_token("alice", secret="another-secret-of-at-least-32-bytes!!")
        attempts = {
            "no credentials": (None, ""),
            "garbage bearer token": ("not.a.token", ""),
            "garbage access_token": (None, "?access_token=garbage"),
            "token signed with another key": (wrong_key, ""),
        }
        for what, (token, query) in attempts.items():
            try:
                async with connect(self.daemon, token, query):
                    raise AssertionError(f"{what}: the upgrade was accepted")
            except InvalidStatusCode as e:
                assert e.status_code == 401, f"{what}: HTTP {e.status_code}, expected 401"


async def main(args):
    passed, failed = 0, 0

    def report(name, error=None):
        nonlocal passed, failed
        if error is None:
            passed += 1
            print(f"PASS {name}", flush=True)
        else:
            failed += 1
            print(f"FAIL {name}: {error}", flush=True)

    workdir = Path(tempfile.mkdtemp(prefix="agenthost-pyws-"))
    daemon = Daemon(args, workdir)
    try:
        daemon.write_config()
        alice, bob = daemon.issue_token("alice"), daemon.issue_token("bob")
        await daemon.start()
        suite = Suite(daemon, alice, bob)
        names = [n for n in dir(Suite) if n.startswith("test_")]
        names.sort(key=lambda n: Suite.__dict__[n].__code__.co_firstlineno)
        for name in names:
            needs_first = name in ("test_other_user_sees_nothing_of_alice",
                                   "test_reconnect_and_resume_after_seq")
            if needs_first and suite.first_run is None:
                report(name, "skipped: the first echo run failed")
                continue
            try:
                await asyncio.wait_for(getattr(suite, name)(), 120)
                report(name)
            except Exception as e:  # noqa: BLE001 - every failure is reported, then counted
                report(name, f"{type(e).__name__}: {e}")
                if not isinstance(e, AssertionError):
                    traceback.print_exc()
        code = await daemon.stop()
        report("sigterm_stops_with_exit_0",
               None if code == 0 else f"exit code {code}\n" + "\n".join(daemon.log[-30:]))
    except Exception as e:  # noqa: BLE001
        report("setup", f"{type(e).__name__}: {e}")
        if daemon.proc and daemon.proc.returncode is None:
            await daemon.stop()
    finally:
        if failed:
            print("agenthostd log (last 40 lines):\n  " + "\n  ".join(daemon.log[-40:]))
        shutil.rmtree(workdir, ignore_errors=True)
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--daemon", type=Path, required=True, help="path to agenthostd")
    parser.add_argument("--plugin-dir", type=Path, required=True, help="<build>/plugins")
    parser.add_argument("--source-dir", type=Path, required=True, help="the agenthost checkout")
    parsed = parser.parse_args()
    for path, what in ((parsed.daemon, "agenthostd (build the default target first)"),
                       (parsed.plugin_dir / "echo.so", "the echo plugin"),
                       (parsed.source_dir / "config" / "agenthost.yaml", "the shipped config")):
        if not path.exists():
            print(f"{path} does not exist: {what}\n0 passed, 1 failed", file=sys.stderr)
            sys.exit(1)
    for name in ("daemon", "plugin_dir", "source_dir"):  # the config lives in a temp dir
        setattr(parsed, name, getattr(parsed, name).resolve())
    sys.exit(asyncio.run(main(parsed)))
