"""A local web server playing "the public page" for capture tests, and a world with a
post to send to legal."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from socialhub.models import Author, Mention, Query, Workspace
from socialhub.store.base import Store

# A 1x1 PNG.
PIXEL = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360f8cfc0000003010100c9fe92ef0000000049454e44ae426082"
)
T0 = datetime(2026, 12, 1, 9, tzinfo=UTC)


@dataclass
class Site:
    """Routes: path -> (status, headers, body). ``hits`` lists the paths asked for."""

    routes: dict[str, tuple[int, dict[str, str], bytes]] = field(default_factory=dict)
    hits: list[str] = field(default_factory=list)
    port: int = 0

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def allow(self) -> str:
        return f"127.0.0.1:{self.port}"


@contextmanager
def serve(site: Site) -> Iterator[Site]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            site.hits.append(self.path)
            status, headers, body = site.routes.get(
                self.path, (404, {"Content-Type": "text/plain"}, b"not found")
            )
            self.send_response(status)
            for k, v in headers.items():
                self.send_header(k, v)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    site.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield site
    finally:
        server.shutdown()
        server.server_close()


def page(title: str, extra: str = "") -> bytes:
    return (
        f"<!doctype html><html><head><meta charset=utf-8><title>{title}</title></head>"
        f"<body><h1>{title}</h1><p>Acme ment, c'est un scandale.</p>"
        f"<img src=/pixel.png>{extra}</body></html>"
    ).encode()


def world_with_post(store: Store, url: str) -> tuple[int, str]:
    ws = store.workspaces.upsert_workspace(Workspace(slug="com", name="Communication"))
    assert ws.id is not None
    q = store.workspaces.upsert_query(Query(ws.id, "marque", "acme"))
    assert q.id is not None
    store.mentions.add([
        Mention(platform="x", native_id="77", text="Acme ment, c'est un scandale",
                created_at=T0, url=url, author=Author("x", "u7", "@corbeau", "Le Corbeau"),
                raw={"id": "77", "text": "Acme ment, c'est un scandale"}, query_ids=[q.id])
    ])  # fmt: skip
    return ws.id, "x:77"
