"""Fetching a public page for evidence: through the connectors' address guard, hop by
hop, every exchange recorded as WARC (ISO 28500) request/response records.

The page's address comes from collected content, so it is hostile (SSRF). Every request
goes through :class:`~socialhub.connectors.linkguard.GuardedTransport`, the transport
every connector uses: http(s) only, hosts that resolve to global addresses only, and the
connection pinned to the address that was checked (no DNS rebinding). Redirects are
followed here, one hop at a time, each checked again before it is sent and recorded in
the WARC; at most :data:`MAX_HOPS` hops and :data:`MAX_BYTES` per body; no proxy from the
environment. A refused hop raises :class:`CaptureRefused` naming the address and why.

Tests serve pages from loopback, which the guard refuses: they pass the exact
``host:port`` of their own server (``allow``; or ``SOCIALHUB_FETCH_ALLOW``, read by the
guard itself), so a redirect to another loopback port is still refused.
"""

from __future__ import annotations

import asyncio
import io
import threading
from collections.abc import Coroutine, Iterable
from dataclasses import dataclass, field
from typing import Any, TypeVar
from urllib.parse import urljoin

import httpx
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from socialhub.connectors.linkguard import (
    AddressRefused,
    GuardedTransport,
    LinkGuard,
    Resolver,
    resolve,
)

MAX_HOPS = 5
MAX_BYTES = 20 * 1024 * 1024
TIMEOUT = 20.0
USER_AGENT = "socialhub-evidence/1 (legal capture)"
T = TypeVar("T")


class CaptureRefused(Exception):
    """The guard refused an address of the capture (the target or a redirect hop)."""

    def __init__(self, url: str, reason: str) -> None:
        super().__init__(f"refused {url[:200]}: {reason}")
        self.url = url
        self.reason = reason


class CaptureGuard:
    """The connectors' :class:`LinkGuard`, with an explicit allowance of exact
    ``host:port`` pairs (for tests' own local servers; none by default)."""

    def __init__(self, allow: Iterable[str] = (), resolver: Resolver = resolve) -> None:
        self.guard = LinkGuard(allow, resolver=resolver)

    def refusal(self, url: str) -> str | None:
        return self.guard.refusal(url)


@dataclass(slots=True)
class Fetched:
    url: str  # asked for
    final_url: str  # after redirects
    status: int
    headers: list[tuple[str, str]]
    body: bytes
    hops: list[str] = field(default_factory=list)

    @property
    def media_type(self) -> str:
        for name, value in self.headers:
            if name.lower() == "content-type":
                return value.split(";")[0].strip()
        return "application/octet-stream"


class WarcRecorder:
    """Collects request/response records into one gzipped WARC file in memory."""

    def __init__(self) -> None:
        self.buffer = io.BytesIO()
        self.writer = WARCWriter(self.buffer, gzip=True)
        self.records = 0
        info = self.writer.create_warcinfo_record(
            "socialhub-capture.warc.gz", {"software": "socialhub", "format": "WARC/1.0"}
        )
        self.writer.write_record(info)

    def add(self, request: httpx.Request, response: httpx.Response, body: bytes) -> None:
        url = str(request.url)
        target = request.url.raw_path.decode("ascii", "replace") or "/"
        req_headers = StatusAndHeaders(
            f"{request.method} {target} HTTP/1.1",
            list(request.headers.items()),
            is_http_request=True,
        )
        self.writer.write_record(
            self.writer.create_warc_record(
                url, "request", payload=io.BytesIO(b""), http_headers=req_headers
            )
        )
        # Bodies are stored decoded: drop the transfer headers that no longer apply.
        skip = {"content-encoding", "transfer-encoding", "content-length"}
        headers = [(k, v) for k, v in response.headers.items() if k.lower() not in skip]
        headers.append(("Content-Length", str(len(body))))
        status = StatusAndHeaders(
            f"{response.status_code} {response.reason_phrase}", headers, protocol="HTTP/1.1"
        )
        self.writer.write_record(
            self.writer.create_warc_record(
                url, "response", payload=io.BytesIO(body), length=len(body), http_headers=status
            )
        )
        self.records += 2

    def getvalue(self) -> bytes:
        return self.buffer.getvalue()


class GuardedFetcher:
    """GETs through the guarded transport, following redirects itself, recording WARC.

    Synchronous for its callers (the CLI, Chromium's route handler): requests run on a
    private event loop in a background thread, where the async guarded transport lives.
    """

    def __init__(
        self, guard: CaptureGuard, recorder: WarcRecorder | None = None, timeout: float = TIMEOUT
    ) -> None:
        self.guard = guard
        self.recorder = recorder or WarcRecorder()
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._thread.start()

        async def make() -> httpx.AsyncClient:
            return httpx.AsyncClient(
                transport=GuardedTransport(guard.guard),
                follow_redirects=False,
                trust_env=False,  # no proxy from the environment: the guard decides
                timeout=timeout,
                headers={"User-Agent": USER_AGENT},
            )

        self.client = self._run(make())

    def _run(self, coro: Coroutine[Any, Any, T]) -> T:
        return asyncio.run_coroutine_threadsafe(coro, self._loop).result()

    def close(self) -> None:
        try:
            self._run(self.client.aclose())
        finally:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(5)
            self._loop.close()

    def get(self, url: str, headers: dict[str, str] | None = None) -> Fetched:
        return self._run(self._get(url, headers))

    async def _get(self, url: str, headers: dict[str, str] | None) -> Fetched:
        hops: list[str] = []
        current = url
        for _ in range(MAX_HOPS + 1):
            reason = await self.guard.guard.arefusal(current)
            if reason is not None:
                raise CaptureRefused(current, reason)
            hops.append(current)
            request = self.client.build_request("GET", current, headers=headers)
            try:
                response = await self.client.send(request, stream=True)
            except AddressRefused as exc:  # the pinned connection refused (rebinding)
                raise CaptureRefused(current, str(exc)) from None
            try:
                body = await self._read(response)
            finally:
                await response.aclose()
            self.recorder.add(request, response, body)
            location = response.headers.get("location")
            if response.is_redirect and location:
                current = urljoin(current, location)
                continue
            return Fetched(
                url, current, response.status_code, list(response.headers.items()), body, hops
            )
        raise CaptureRefused(current, f"more than {MAX_HOPS} redirects")

    async def _read(self, response: httpx.Response) -> bytes:
        chunks, size = [], 0
        async for chunk in response.aiter_bytes():
            size += len(chunk)
            if size > MAX_BYTES:
                raise CaptureRefused(str(response.url), f"body larger than {MAX_BYTES} bytes")
            chunks.append(chunk)
        return b"".join(chunks)
