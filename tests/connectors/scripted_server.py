"""A real local HTTP server that answers with scripted platform payloads.

Each route ``"METHOD /path"`` has a list of :class:`Reply`; a request takes the next one
(the last repeats). A reply can wait before answering (timeouts), or stream ``chunks``
with pauses and then close the connection (streams, cuts mid-message). Every request
is recorded in ``server.seen`` so tests can check what the connector sent.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from .fetch_allow import allow_fetch


@dataclass
class Reply:
    status: int = 200
    body: Any = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # seconds before answering at all
    chunks: list[tuple[float, bytes]] | None = None  # (pause, bytes), then close

    def payload(self) -> bytes:
        if isinstance(self.body, bytes):
            return self.body
        if isinstance(self.body, str):
            return self.body.encode("utf-8")
        return json.dumps(self.body, ensure_ascii=False).encode("utf-8")


@dataclass
class Seen:
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class Server:
    url: str = ""
    routes: dict[str, list[Reply]] = field(default_factory=dict)
    seen: list[Seen] = field(default_factory=list)

    def add(self, route: str, *replies: Reply) -> None:
        self.routes.setdefault(route, []).extend(replies)

    def requests(self, route: str) -> list[Seen]:
        method, path = route.split(" ", 1)
        return [s for s in self.seen if s.method == method and s.path == path]


def fixture(directory: Path, name: str) -> Any:
    text = (directory / name).read_text(encoding="utf-8")
    return json.loads(text) if name.endswith(".json") else text


@contextmanager
def serve() -> Iterator[Server]:
    state = Server()
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.0"  # one response per connection; EOF ends a stream

        def log_message(self, format: str, *args: Any) -> None:  # quiet test output
            pass

        def _handle(self) -> None:
            parts = urlsplit(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
            with lock:
                state.seen.append(
                    Seen(self.command, parts.path, query, dict(self.headers.items()), body)
                )
                replies = state.routes.get(f"{self.command} {parts.path}")
                if not replies:
                    reply = Reply(404, {"title": "Not Found Error", "status": 404})
                else:
                    reply = replies.pop(0) if len(replies) > 1 else replies[0]
            if reply.delay:
                time.sleep(reply.delay)
            try:
                self.send_response(reply.status)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                for key, value in reply.headers.items():
                    self.send_header(key, value)
                if reply.chunks is None:
                    data = reply.payload()
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                    return
                self.end_headers()
                self.wfile.flush()
                for pause, chunk in reply.chunks:
                    time.sleep(pause)
                    self.wfile.write(chunk)
                    self.wfile.flush()
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up (timeout tests): nothing to do

        do_GET = _handle
        do_POST = _handle
        do_DELETE = _handle

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    state.url = f"http://127.0.0.1:{httpd.server_address[1]}"
    thread = threading.Thread(
        target=httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
    )
    thread.start()
    try:
        with allow_fetch(state.url):
            yield state
    finally:
        httpd.shutdown()
        httpd.server_close()
