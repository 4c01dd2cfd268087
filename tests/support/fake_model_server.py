#!/usr/bin/python3
"""A stand-in for an OpenAI-compatible chat-completions server, for tests only.

These machines reach no model provider, so the host's model gateway is tested
against this: POST /v1/chat/completions answers like OpenAI's API (streamed as
server-sent events when "stream" is true, with a final usage chunk when
stream_options.include_usage is true; one JSON body otherwise), returns tool calls,
and fails on request. It prints "listening on port N" once it serves (port 0: the
kernel picks one).

What a request gets is chosen by directives in the text of its last user message,
"[[name=value;name;...]]" (or in the request's "model" when it starts with
"scenario:"):

  answer=TEXT        the answer (default "Hello from the stand-in model.")
  echo               the answer is the user's text (without the directives)
  chunk=N            characters per streamed delta (default 4)
  delay_ms=N         pause between deltas
  first_byte_ms=N    pause before the response's first byte
  fail429=N          the first N attempts of this exact request body get 429
  retry_after=S      the Retry-After header of those 429s (seconds)
  fail500=N          the first N attempts get 500
  reset_before=N     the first N attempts: the connection is reset, nothing sent
  reset_mid          a few deltas, then the connection is reset
  malformed          a few deltas, then a data line that is not JSON
  never_end          deltas, then comments forever (until the client goes)
  no_usage           no usage chunk even when asked for one
  usage=N            report N prompt tokens (default: a quarter of the messages' size)
  id=X               note when the first text delta was written (GET /stamps, for
                     the benchmark: time.monotonic(), the clock of steady_clock)
  tool=NAME@JSON     answer with a call of tool NAME with arguments JSON (may be
                     repeated: several calls in one answer); once the request
                     holds a tool result the answer is "tools said: " + results

GET /stats: {"requests", "completed", "client_closed", "in_flight"}
(client_closed counts responses the client closed before their end).
GET /requests: the bodies of the last 200 requests. POST /reset clears both.
GET /stamps: {id: monotonic seconds} of the requests with an id directive.
--api-key K: requests without "Authorization: Bearer K" get 401.
--tls-cert F --tls-key K: serve HTTPS with that certificate (for the TLS tests).
"""

import argparse
import hashlib
import http.server
import json
import re
import select
import socket
import socketserver
import ssl
import struct
import sys
import threading
import time

LOCK = threading.Lock()
STATS = {"requests": 0, "completed": 0, "client_closed": 0, "in_flight": 0}
ATTEMPTS = {}
REQUESTS = []
STAMPS = {}
API_KEY = None


class ClientGone(Exception):
    pass


def bump(name, by=1):
    with LOCK:
        STATS[name] += by


def parse_directives(body):
    model = str(body.get("model", ""))
    text = ""
    for message in reversed(body.get("messages", [])):
        if message.get("role") == "user":
            content = message.get("content")
            text = content if isinstance(content, str) else json.dumps(content)
            break
    spec = model[len("scenario:"):] if model.startswith("scenario:") else ""
    found = re.search(r"\[\[(.*?)\]\]", text, re.S)
    if found:
        spec = spec + ";" + found.group(1) if spec else found.group(1)
    plain = re.sub(r"\[\[.*?\]\]", "", text, flags=re.S).strip()
    directives = {"tool": []}
    for item in filter(None, (part.strip() for part in spec.split(";"))):
        name, _, value = item.partition("=")
        if name == "tool":
            tool, _, args = value.partition("@")
            directives["tool"].append((tool, args or "{}"))
        else:
            directives[name] = value
    return directives, plain


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    # -- plumbing -------------------------------------------------------------
    def client_closed(self):
        """True when the peer has closed its side (readable with nothing to read)."""
        try:
            readable, _, _ = select.select([self.connection], [], [], 0)
            if not readable:
                return False
            return self.connection.recv(1, socket.MSG_PEEK) == b""
        except OSError:
            return True

    def pause(self, seconds):
        """Waits, noticing a client that goes away meanwhile."""
        end = time.monotonic() + seconds
        while True:
            left = end - time.monotonic()
            if left <= 0:
                return
            readable, _, _ = select.select([self.connection], [], [], min(left, 0.02))
            if readable and self.client_closed():
                raise ClientGone()

    def write(self, data):
        try:
            self.wfile.write(data)
            self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError, OSError):
            raise ClientGone()

    def chunk(self, data):
        self.write(b"%x\r\n%s\r\n" % (len(data), data))

    def sse(self, obj):
        self.chunk(b"data: " + json.dumps(obj).encode() + b"\n\n")

    def reset(self):
        # SO_LINGER 0: close() sends a TCP RST, as a crashed proxy does.
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.connection.close()
        self.close_connection = True

    def send_json(self, status, obj, headers=()):
        data = json.dumps(obj).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for name, value in headers:
            self.send_header(name, value)
        self.end_headers()
        self.write(data)

    # -- control endpoints ----------------------------------------------------
    def do_GET(self):
        with LOCK:
            if self.path == "/stats":
                answer = dict(STATS)
            elif self.path == "/requests":
                answer = list(REQUESTS)
            elif self.path == "/stamps":
                answer = dict(STAMPS)
            else:
                answer = None
        if answer is None:
            self.send_json(404, {"error": {"message": "no such path"}})
        else:
            self.send_json(200, answer)

    def do_POST(self):
        length = int(self.headers.get("Content-Length", "0"))
        raw = self.rfile.read(length)
        if self.path == "/reset":
            with LOCK:
                for key in STATS:
                    STATS[key] = 0 if key != "in_flight" else STATS[key]
                ATTEMPTS.clear()
                REQUESTS.clear()
            return self.send_json(200, {})
        if not self.path.endswith("/chat/completions"):
            return self.send_json(404, {"error": {"message": "no such path: " + self.path}})
        bump("requests")
        if API_KEY is not None and self.headers.get("Authorization") != "Bearer " + API_KEY:
            return self.send_json(401, {"error": {"message": "Incorrect API key provided"}})
        try:
            body = json.loads(raw)
        except ValueError:
            return self.send_json(400, {"error": {"message": "the body is not JSON"}})
        digest = hashlib.sha256(raw).hexdigest()
        with LOCK:
            ATTEMPTS[digest] = ATTEMPTS.get(digest, 0) + 1
            attempt = ATTEMPTS[digest]
            if "[[id=" not in raw.decode("utf-8", "replace"):  # the benchmark's are not kept
                REQUESTS.append({"body": body, "headers": dict(self.headers.items())})
                del REQUESTS[:-200]
        bump("in_flight")
        try:
            self.answer(body, attempt)
        except ClientGone:
            bump("client_closed")
            self.close_connection = True
        finally:
            bump("in_flight", -1)

    # -- the model ------------------------------------------------------------
    def answer(self, body, attempt):
        d, plain = parse_directives(body)
        if d.get("first_byte_ms"):
            self.pause(int(d["first_byte_ms"]) / 1000)
        if attempt <= int(d.get("reset_before", 0)):
            return self.reset()
        if attempt <= int(d.get("fail429", 0)):
            return self.send_json(429, {"error": {"message": "Rate limit reached"}},
                                  [("Retry-After", d.get("retry_after", "0"))])
        if attempt <= int(d.get("fail500", 0)):
            return self.send_json(500, {"error": {"message": "The server had an error"}})

        tool_results = [m.get("content", "") for m in body.get("messages", [])
                        if m.get("role") == "tool"]
        calls = [] if tool_results else d["tool"]
        if tool_results:
            text = "tools said: " + " | ".join(str(r) for r in tool_results)
        elif "echo" in d:
            text = plain
        else:
            text = d.get("answer", "Hello from the stand-in model.")
        prompt_tokens = int(d.get("usage", 0)) or max(1, len(json.dumps(body.get("messages", []))) // 4)
        completion_tokens = max(1, len(text) // 4) + 8 * len(calls)
        usage = {"prompt_tokens": prompt_tokens, "completion_tokens": completion_tokens,
                 "total_tokens": prompt_tokens + completion_tokens}
        finish = "tool_calls" if calls else "stop"
        tool_calls = [{"id": "call_%d" % i, "type": "function",
                       "function": {"name": name, "arguments": args}}
                      for i, (name, args) in enumerate(calls)]

        if not body.get("stream"):
            message = {"role": "assistant", "content": None if calls else text}
            if calls:
                message["tool_calls"] = tool_calls
            self.send_json(200, {"id": "chatcmpl-standin", "object": "chat.completion",
                                 "model": body.get("model"),
                                 "choices": [{"index": 0, "message": message,
                                              "finish_reason": finish}],
                                 "usage": usage})
            bump("completed")
            return

        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        self.wfile.flush()

        def delta(obj, finish_reason=None):
            self.sse({"id": "chatcmpl-standin", "object": "chat.completion.chunk",
                      "model": body.get("model"),
                      "choices": [{"index": 0, "delta": obj, "finish_reason": finish_reason}]})

        size = max(1, int(d.get("chunk", 4)))
        delay = int(d.get("delay_ms", 0)) / 1000
        delta({"role": "assistant", "content": ""})
        sent = 0
        for start in range(0, len(text) if not calls else 0, size):
            delta({"content": text[start:start + size]})
            if sent == 0 and "id" in d:
                with LOCK:
                    STAMPS[d["id"]] = time.monotonic()
            sent += 1
            if sent == 3 and "reset_mid" in d:
                return self.reset()
            if sent == 3 and "malformed" in d:
                self.chunk(b"data: {this is not json\n\n")
            if delay:
                self.pause(delay)
        for i, call in enumerate(tool_calls):
            args = call["function"]["arguments"]
            half = len(args) // 2
            delta({"tool_calls": [{"index": i, "id": call["id"], "type": "function",
                                   "function": {"name": call["function"]["name"],
                                                "arguments": args[:half]}}]})
            delta({"tool_calls": [{"index": i, "function": {"arguments": args[half:]}}]})
        if "reset_mid" in d:
            return self.reset()
        if "never_end" in d:
            while True:
                self.chunk(b": still thinking\n\n")
                self.pause(0.02)
        delta({}, finish)
        if body.get("stream_options", {}).get("include_usage") and "no_usage" not in d:
            self.sse({"id": "chatcmpl-standin", "object": "chat.completion.chunk",
                      "choices": [], "usage": usage})
        self.chunk(b"data: [DONE]\n\n")
        self.chunk(b"")
        bump("completed")


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 4096


def main():
    global API_KEY
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--api-key")
    parser.add_argument("--tls-cert")
    parser.add_argument("--tls-key")
    args = parser.parse_args()
    API_KEY = args.api_key
    server = Server(("127.0.0.1", args.port), Handler)
    if args.tls_cert:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(args.tls_cert, args.tls_key)
        server.socket = context.wrap_socket(server.socket, server_side=True)
    print("listening on port %d" % server.server_address[1], flush=True)
    server.serve_forever()


if __name__ == "__main__":
    sys.exit(main())
