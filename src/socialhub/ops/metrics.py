"""Prometheus text-format metrics on a tiny HTTP server (``GET /metrics``).

No dependency: the exposition format is a few lines of text. Values are read when
scraped, from *collectors* each process registers (the pipeline's StatsCollector, the
bus subscription's lag, the detector service's outcomes), so nothing on the hot path
pays for metrics.

>>> reg = Registry()
>>> reg.add(lambda: [Sample("socialhub_stored_total", 3, {"role": "worker"}, "counter")])
>>> print(reg.render().strip())
# TYPE socialhub_stored_total counter
socialhub_stored_total{role="worker"} 3
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Sample:
    name: str
    value: float
    labels: dict[str, str] = field(default_factory=dict)
    kind: str = "gauge"  # counter or gauge
    help: str = ""


Collector = Callable[[], Iterable[Sample]]


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"')


def _number(value: float) -> str:
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "+Inf" if value > 0 else "-Inf"
    return str(int(value)) if float(value).is_integer() else repr(float(value))


class Registry:
    """Collectors read at scrape time; a failing collector is logged and skipped."""

    def __init__(self) -> None:
        self.collectors: list[Collector] = []

    def add(self, collector: Collector) -> None:
        self.collectors.append(collector)

    def samples(self) -> list[Sample]:
        out: list[Sample] = []
        for collector in self.collectors:
            try:
                out.extend(collector())
            except Exception:  # a metric must never take a process down
                log.exception("metrics collector failed")
        return out

    def render(self) -> str:
        lines: list[str] = []
        typed: set[str] = set()
        for s in sorted(self.samples(), key=lambda s: s.name):
            if s.name not in typed:
                typed.add(s.name)
                if s.help:
                    lines.append(f"# HELP {s.name} {s.help}")
                lines.append(f"# TYPE {s.name} {s.kind}")
            labels = ",".join(f'{k}="{_escape(str(v))}"' for k, v in sorted(s.labels.items()))
            lines.append(f"{s.name}{{{labels}}} {_number(s.value)}" if labels else
                         f"{s.name} {_number(s.value)}")  # fmt: skip
        return "\n".join(lines) + "\n"


class MetricsServer:
    """Serves ``registry.render()`` at ``/metrics`` (and ``/healthz``) on ``host:port``.

    ``port=0`` picks a free port (see ``self.port`` after ``start``).
    """

    def __init__(self, registry: Registry, host: str = "127.0.0.1", port: int = 0) -> None:
        self.registry = registry
        self.host = host
        self.port = port
        self._server: asyncio.Server | None = None

    async def start(self) -> int:
        self._server = await asyncio.start_server(self._handle, self.host, self.port)
        self.port = int(self._server.sockets[0].getsockname()[1])
        return self.port

    async def close(self) -> None:
        if self._server is not None:
            self._server.close()
            with contextlib.suppress(Exception):
                await self._server.wait_closed()

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            request = await asyncio.wait_for(reader.readline(), 5.0)
            while (await asyncio.wait_for(reader.readline(), 5.0)) not in (b"\r\n", b"\n", b""):
                pass  # headers are not needed
            parts = request.decode("latin-1").split()
            path = parts[1] if len(parts) > 1 else "/"
            if path.split("?")[0] == "/metrics":
                body = (await asyncio.to_thread(self.registry.render)).encode()
                status, ctype = "200 OK", "text/plain; version=0.0.4; charset=utf-8"
            elif path == "/healthz":
                body, status, ctype = b"ok\n", "200 OK", "text/plain"
            else:
                body, status, ctype = b"not found\n", "404 Not Found", "text/plain"
            head = (
                f"HTTP/1.1 {status}\r\nContent-Type: {ctype}\r\n"
                f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
            )
            writer.write(head.encode() + body)
            await writer.drain()
        except (TimeoutError, ConnectionError):
            pass
        finally:
            writer.close()
            with contextlib.suppress(Exception):
                await writer.wait_closed()
