"""Local stand-ins for Bluesky: a scripted XRPC HTTP server and a Jetstream websocket."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import orjson
from websockets.asyncio.server import ServerConnection, serve

from ..fetch_allow import allow_fetch

FIXTURES = Path(__file__).parents[3] / "src/socialhub/connectors/bluesky/fixtures"


def fixture(name: str) -> Any:
    return orjson.loads((FIXTURES / name).read_bytes())


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: Any


@dataclass
class Reply:
    status: int = 200
    body: Any = None  # JSON-able, or bytes sent as is
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0


Route = Callable[[Request], Reply]


@dataclass
class Server:
    url: str
    routes: dict[str, Route]
    requests: list[Request]

    def calls(self, path: str) -> list[Request]:
        return [r for r in self.requests if r.path == path]


@contextmanager
def http_server(routes: dict[str, Route]) -> Iterator[Server]:
    requests: list[Request] = []

    class Handler(BaseHTTPRequestHandler):
        def _handle(self) -> None:
            parts = urlsplit(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            req = Request(
                self.command,
                parts.path,
                parse_qs(parts.query),
                {k.lower(): v for k, v in self.headers.items()},
                orjson.loads(raw) if raw else None,
            )
            requests.append(req)
            route = routes.get(parts.path)
            reply = route(req) if route else Reply(404, {"error": "NotFound"})
            if reply.delay:
                time.sleep(reply.delay)
            body = reply.body if isinstance(reply.body, bytes) else orjson.dumps(reply.body)
            try:
                self.send_response(reply.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                for key, value in reply.headers.items():
                    self.send_header(key, value)
                self.end_headers()
                self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up (timeout tests)

        do_GET = _handle
        do_POST = _handle

        def log_message(self, format: str, *args: Any) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{httpd.server_address[1]}"
        with allow_fetch(url):
            yield Server(url, routes, requests)
    finally:
        httpd.shutdown()
        httpd.server_close()


@dataclass
class Jetstream:
    url: str
    paths: list[str]


@asynccontextmanager
async def jetstream_server(
    messages: list[str], *, cut_mid_message: bool = True
) -> AsyncIterator[Jetstream]:
    """Sends the messages whose time_us is >= the client's cursor, then cuts the
    connection in the middle of a frame (or closes it cleanly)."""
    paths: list[str] = []

    async def handler(ws: ServerConnection) -> None:
        path = ws.request.path if ws.request else ""
        paths.append(path)
        cursor = parse_qs(urlsplit(path).query).get("cursor", ["0"])[0]
        for message in messages:
            try:
                if int(orjson.loads(message)["time_us"]) < int(cursor):
                    continue
            except (orjson.JSONDecodeError, KeyError):
                pass
            await ws.send(message)
        await asyncio.sleep(0.05)
        if cut_mid_message:
            # a text frame announcing 256 bytes, of which only 9 arrive
            ws.transport.write(b"\x81\x7e\x01\x00" + b'{"did":"d')
            ws.transport.abort()
        else:
            await ws.close()

    async with serve(handler, "127.0.0.1", 0) as server:
        port = next(iter(server.sockets)).getsockname()[1]
        with allow_fetch(f"ws://127.0.0.1:{port}"):
            yield Jetstream(f"ws://127.0.0.1:{port}/subscribe", paths)
