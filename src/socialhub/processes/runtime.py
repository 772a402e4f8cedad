"""What every scale-out process has: an identity, a heartbeat, metrics, clean signals.

The heartbeat is a row in the store (``process_heartbeats``, migration 0012) refreshed
every ``beat_every`` seconds: the database is the one thing every process already
shares, so ``socialhub status`` sees them all without another service. A process that
stops cleanly removes its row; one that was killed leaves a row whose last beat gets
old, which ``status`` reports as dead.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
import socket
import time
import uuid
from collections.abc import Awaitable, Callable, Iterable
from typing import Any

from socialhub.models import utcnow
from socialhub.ops.metrics import MetricsServer, Registry, Sample
from socialhub.records.processes import ProcessBeat
from socialhub.store.base import Store

log = logging.getLogger(__name__)

Body = Callable[[asyncio.Event], Awaitable[None]]


class ProcessRuntime:
    """Runs one process body until SIGINT/SIGTERM (or until the body returns).

    Parameters
    ----------
    role
        ``collect``, ``worker``, ``detect``, ``scheduler`` or ``serve``.
    store
        Where heartbeats go.
    name
        Shown by ``socialhub status`` (default ``role@host``); several processes may
        share a name (e.g. the instance of a systemd template).
    metrics_port
        Serve Prometheus metrics on this port (0: any free port, shown in the
        heartbeat); ``None``: no metrics server.
    """

    def __init__(
        self,
        role: str,
        store: Store,
        *,
        name: str | None = None,
        metrics_port: int | None = None,
        metrics_host: str = "127.0.0.1",
        beat_every: float = 5.0,
    ) -> None:
        self.role = role
        self.store = store
        self.host = socket.gethostname()
        self.pid = os.getpid()
        self.name = name or f"{role}@{self.host}"
        self.id = f"{self.host}:{self.pid}:{role}:{uuid.uuid4().hex[:6]}"
        self.started = utcnow()
        self.beat_every = beat_every
        self.registry = Registry()
        self.registry.add(self._own_samples)
        self.info: dict[str, Any] = {}
        self.info_sources: list[Callable[[], dict[str, Any]]] = []
        self.metrics = (
            None
            if metrics_port is None
            else MetricsServer(self.registry, host=metrics_host, port=metrics_port)
        )
        self._t0 = time.time()

    # -- heartbeat ----------------------------------------------------------------------

    def heartbeat_info(self) -> dict[str, Any]:
        info = dict(self.info)
        for source in self.info_sources:
            try:
                info.update(source())
            except Exception:  # a heartbeat must not fail for its decoration
                log.exception("heartbeat info failed")
        return info

    def beat(self) -> None:
        self.store.processes.beat(
            ProcessBeat(
                self.id,
                self.role,
                self.name,
                self.host,
                self.pid,
                self.started,
                utcnow(),
                self.heartbeat_info(),
            )
        )

    async def _beat_loop(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), self.beat_every)
            if stop.is_set():
                return
            try:
                await asyncio.to_thread(self.beat)
            except Exception as exc:  # the database is away: keep working, beat later
                log.warning("heartbeat failed: %r", exc)

    def _own_samples(self) -> Iterable[Sample]:
        labels = {"role": self.role, "name": self.name}
        yield Sample("socialhub_process_up", 1, labels, help="1 while the process runs")
        yield Sample(
            "socialhub_process_start_time_seconds",
            self._t0,
            labels,
            help="Unix time the process started",
        )

    # -- running ------------------------------------------------------------------------

    async def run(self, body: Body) -> None:
        """Start metrics and heartbeats, run ``body(stop)``, clean up on the way out."""
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        if self.metrics is not None:
            port = await self.metrics.start()
            self.info["metrics"] = f"http://{self.metrics.host}:{port}/metrics"
            log.info("metrics on %s", self.info["metrics"])
        await asyncio.to_thread(self.beat)
        beats = asyncio.create_task(self._beat_loop(stop), name="heartbeat")
        try:
            await body(stop)
        finally:
            stop.set()
            beats.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await beats
            if self.metrics is not None:
                await self.metrics.close()
            try:
                await asyncio.to_thread(self.store.processes.forget_process, self.id)
            except Exception as exc:
                log.warning("could not remove heartbeat %s: %r", self.id, exc)
