"""A scripted local Mastodon instance: REST replies and SSE streams (chunked, cuttable)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import orjson

from ..fetch_allow import allow_fetch

FIXTURES = Path(__file__).parents[3] / "src/socialhub/connectors/mastodon/fixtures"


def fixture(name: str) -> Any:
    return orjson.loads((FIXTURES / name).read_bytes())


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    form: dict[str, list[str]]


@dataclass
class Reply:
    status: int = 200
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    chunks: list[bytes] | None = None  # SSE: sent as chunked transfer encoding
    cut: bool = False  # end the chunked body without its terminator


@dataclass
class Server:
    url: str
    requests: list[Request]

    def calls(self, path: str) -> list[Request]:
        return [r for r in self.requests if r.path == path]


@contextmanager
def instance(routes: dict[str, Callable[[Request], Reply]]) -> Iterator[Server]:
    requests: list[Request] = []

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def _handle(self) -> None:
            parts = urlsplit(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length).decode() if length else ""
            req = Request(
                self.command,
                parts.path,
                parse_qs(parts.query),
                {k.lower(): v for k, v in self.headers.items()},
                parse_qs(raw),
            )
            requests.append(req)
            route = routes.get(parts.path)
            reply = route(req) if route else Reply(404, {"error": "Record not found"})
            if reply.delay:
                time.sleep(reply.delay)
            try:
                self.send_response(reply.status)
                for key, value in reply.headers.items():
                    self.send_header(key, value)
                if reply.chunks is not None:
                    self.send_header("Content-Type", "text/event-stream")
                    self.send_header("Transfer-Encoding", "chunked")
                    self.end_headers()
                    for chunk in reply.chunks:
                        self.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
                        self.wfile.flush()
                        time.sleep(0.01)
                    if not reply.cut:
                        self.wfile.write(b"0\r\n\r\n")
                    self.close_connection = True
                    return
                body = reply.body if isinstance(reply.body, bytes) else orjson.dumps(reply.body)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):
                pass

        do_GET = _handle
        do_POST = _handle

        def log_message(self, format: str, *args: Any) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{httpd.server_address[1]}"
        with allow_fetch(url):
            yield Server(url, requests)
    finally:
        httpd.shutdown()
        httpd.server_close()
