"""A scripted local HTTP server (``http.server`` in a thread) for connector tests.

Each path has a list of replies served in order (the last one repeats). A reply can be
delayed (timeouts), cut mid-body (a stream or payload cut short), or streamed line by
line. Requests are recorded with their headers (conditional GET checks).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from ..fetch_allow import allow_fetch


@dataclass
class Reply:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # seconds before answering (client timeouts)
    cut: bool = False  # announce the full length, send half, close
    lines: list[bytes] | None = None  # streamed one by one, no Content-Length
    hold: float = 0.0  # after streaming the lines, keep the connection open this long
    release: threading.Event | None = None  # ... or until this is set (hold: the guard)


class Server:
    def __init__(self) -> None:
        self.routes: dict[str, list[Reply]] = {}
        self.requests: list[tuple[str, dict[str, str]]] = []
        self._lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                server._serve(self)

            def log_message(self, *args: object) -> None:
                return None

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def route(self, path: str, *replies: Reply) -> str:
        with self._lock:
            self.routes[path] = list(replies)
        return self.url + path

    def hits(self, path: str) -> list[dict[str, str]]:
        with self._lock:
            return [h for p, h in self.requests if p == path]

    def _next(self, path: str) -> Reply | None:
        with self._lock:
            self.requests.append((path, {}))
            replies = self.routes.get(path.split("?", 1)[0])
            if not replies:
                return None
            return replies.pop(0) if len(replies) > 1 else replies[0]

    def _serve(self, h: BaseHTTPRequestHandler) -> None:
        reply = self._next(h.path)
        with self._lock:
            self.requests[-1] = (h.path, {k.lower(): v for k, v in h.headers.items()})
        if reply is None:
            h.send_error(404)
            return
        if reply.delay:
            time.sleep(reply.delay)
        try:
            h.send_response(reply.status)
            for key, value in reply.headers.items():
                h.send_header(key, value)
            if reply.lines is not None:
                h.send_header("Connection", "close")
                h.end_headers()
                for line in reply.lines:
                    h.wfile.write(line)
                    h.wfile.flush()
                    time.sleep(0.01)
                if reply.release is not None:
                    reply.release.wait(reply.hold)  # the test says when, not the clock
                else:
                    time.sleep(reply.hold)
                h.close_connection = True
                return
            h.send_header("Content-Length", str(len(reply.body)))
            h.end_headers()
            h.wfile.write(reply.body[: len(reply.body) // 2] if reply.cut else reply.body)
            h.wfile.flush()
            if reply.cut:
                h.close_connection = True
        except (BrokenPipeError, ConnectionResetError):
            pass


@contextmanager
def serve(*, allow: bool = True) -> Iterator[Server]:
    """``allow=False``: the address guard is not told about it (an "internal" server)."""
    server = Server()
    thread = threading.Thread(target=server.httpd.serve_forever, daemon=True)
    thread.start()
    try:
        if not allow:
            yield server
            return
        with allow_fetch(server.url):
            yield server
    finally:
        server.httpd.shutdown()
        server.httpd.server_close()
        thread.join(5)
