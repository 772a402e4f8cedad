"""A local HTTP server speaking a platform's documented format, with faults on demand.

Each fake platform (``fake_x.py``...) registers routes ``(method, path regex) ->
handler(req) -> Reply``. ``faults`` is a queue of what the NEXT write call does
instead of succeeding: ``"429"`` (with the platform's rate headers), ``"500"``,
``"hang"`` (accept and store the post, then never answer: the client times out) or
``"drop"`` (accept, then close the connection without an answer).
"""

from __future__ import annotations

import json
import os
import re
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from socialhub.connectors.linkguard import ALLOW_ENV


@dataclass
class Req:
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body or b"{}")

    def form(self) -> dict[str, str]:
        return {k: v[0] for k, v in parse_qs(self.body.decode()).items()}


@dataclass
class Reply:
    status: int = 200
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    after: str = ""  # "hang" or "drop": the work is done, the answer never arrives


Route = tuple[str, re.Pattern[str], Callable[..., Reply]]


class FakePlatform:
    def __init__(self) -> None:
        self.routes: list[Route] = []
        self.requests: list[Req] = []
        self.faults: list[str] = []
        self.release = threading.Event()  # frees hung handlers at shutdown
        self.lock = threading.Lock()
        self.url = ""

    def route(self, method: str, pattern: str, handler: Callable[..., Reply]) -> None:
        self.routes.append((method, re.compile(f"^{pattern}$"), handler))

    def next_fault(self) -> str:
        with self.lock:
            return self.faults.pop(0) if self.faults else ""

    def dispatch(self, req: Req) -> Reply:
        for method, pattern, handler in self.routes:
            found = pattern.match(req.path)
            if method == req.method and found:
                return handler(req, *found.groups())
        return Reply(404, {"error": "not found", "path": req.path})

    def writes(self, path_part: str) -> list[Req]:
        return [r for r in self.requests if r.method == "POST" and path_part in r.path]


@contextmanager
def running(platform: FakePlatform) -> Iterator[FakePlatform]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def _serve(self) -> None:
            parts = urlsplit(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            req = Req(
                self.command,
                parts.path,
                {k: v[0] for k, v in parse_qs(parts.query).items()},
                {k.lower(): v for k, v in self.headers.items()},
                self.rfile.read(length) if length else b"",
            )
            platform.requests.append(req)
            reply = platform.dispatch(req)
            if reply.after == "hang":
                platform.release.wait(30)
                self.close_connection = True
                return
            if reply.after == "drop":
                self.close_connection = True
                self.connection.close()
                return
            body = b"" if reply.body is None else json.dumps(reply.body).encode()
            self.send_response(reply.status)
            for key, value in {"Content-Type": "application/json", **reply.headers}.items():
                self.send_header(key, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            with suppress(BrokenPipeError, ConnectionResetError):
                self.wfile.write(body)

        do_GET = do_POST = do_PUT = do_DELETE = _serve

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    platform.url = f"http://127.0.0.1:{server.server_address[1]}"
    # The publishers' address guard refuses loopback: allow exactly this server (the
    # way an operator allows an intranet host), for this test and its subprocesses.
    before = os.environ.get(ALLOW_ENV)
    os.environ[ALLOW_ENV] = ",".join(
        filter(None, [before, f"127.0.0.1:{server.server_address[1]}"])
    )
    try:
        yield platform
    finally:
        if before is None:
            os.environ.pop(ALLOW_ENV, None)
        else:
            os.environ[ALLOW_ENV] = before
        platform.release.set()
        server.shutdown()
        server.server_close()
        thread.join(5)
