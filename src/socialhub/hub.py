"""The embedded hub: sources -> bus -> pipeline -> store -> web, in one process.

At scale the same pieces run as separate processes (scale-out issue); only the bus
and the store implementations change.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import uvicorn

from socialhub.analytics.service import DetectorService
from socialhub.bus import RAW, Bus, mention_message_id, open_bus
from socialhub.connectors.base import Source
from socialhub.connectors.push_health import run_source
from socialhub.models import Mention, utcnow
from socialhub.pipeline.chain import Pipeline
from socialhub.pipeline.service import PipelineService
from socialhub.processes.wiring import build_pipeline, build_sources, pipeline_service
from socialhub.serialize import mention_to_json
from socialhub.settings import Settings
from socialhub.store import open_store
from socialhub.store.base import Store
from socialhub.web.app import create_app
from socialhub.web.clientip import parse_proxies
from socialhub.web.live import LiveFeed
from socialhub.web.security import AuthConfig

log = logging.getLogger(__name__)


def detector_state_path(settings: Settings) -> Path | None:
    """Where detector checkpoints go: ``[detect] state_path``, else beside a SQLite file."""
    if settings.detect.get("state_path"):
        return Path(str(settings.detect["state_path"]))
    if settings.db.startswith("sqlite:///"):
        return Path(settings.db[len("sqlite:///") :] + ".detectors.pickle")
    return None


@dataclass
class Hub:
    settings: Settings
    store: Store
    bus: Bus
    pipeline: Pipeline
    sources: list[Source]
    live: LiveFeed = field(default_factory=LiveFeed)
    web: bool = True
    on_stored: Callable[[list[Mention]], None] | None = None
    detector: DetectorService | None = None
    # the embedded report scheduler (the demo's): archive due reports, the first ones
    # from ``reports_since`` (a backfilled history gets its editions)
    reports: bool = False
    reports_since: datetime | None = None
    reports_every: float = 60.0

    @classmethod
    def build(
        cls,
        settings: Settings,
        sources: list[Source] | None = None,
        web: bool = True,
        setup: Callable[[Store], None] | None = None,
    ) -> Hub:
        """``setup(store)`` runs after migrations and before the pipeline reads its
        configuration (e.g. applying a workspace file), so routing sees it at once."""
        store = open_store(settings.db)
        store.migrate()
        if setup is not None:
            setup(store)
        bus = open_bus(settings.bus)
        pipeline = build_pipeline(settings, store)
        detector = None
        if settings.detect.get("enabled", True):
            detector = DetectorService(
                bus,
                store,
                settings.detect,
                state_path=detector_state_path(settings),
                origin=settings.path,
            )
        return cls(
            settings,
            store,
            bus,
            pipeline,
            build_sources(settings, store) if sources is None else sources,
            web=web,
            detector=detector,
        )

    async def run(self, stop: asyncio.Event, *, until_sources_done: bool = False) -> None:
        """Run until ``stop`` is set (or, with ``until_sources_done``, until every source
        has ended and the pipeline has drained)."""

        def stored(batch: list[Mention]) -> None:
            self.live.publish(batch)
            if self.on_stored:
                self.on_stored(batch)

        service = pipeline_service(self.settings, self.bus, self.store, self.pipeline, stored)
        tasks: list[asyncio.Task[Any]] = [asyncio.create_task(service.run(stop), name="pipeline")]
        if self.detector is not None:
            await self.detector.subscribe()
            tasks.append(asyncio.create_task(self.detector.run(stop), name="detect"))
        if self.reports and not until_sources_done:
            tasks.append(asyncio.create_task(self._reports(stop, service), name="reports"))

        async def emit(m: Mention) -> None:
            await self.bus.publish(RAW, mention_to_json(m), {"id": mention_message_id(m)})

        source_tasks = [
            asyncio.create_task(
                _guard(s.name, run_source(s, emit, stop, self.store)), name=f"source:{s.name}"
            )
            for s in self.sources
        ]
        server: uvicorn.Server | None = None
        if self.web:
            app = create_app(
                self.store,
                self.live,
                self.pipeline.stats,
                auth=AuthConfig(trusted_proxies=parse_proxies(self.settings.trusted_proxies)),
                bootstrap_admin=True,
            )
            app.state.sources = list(self.settings.sources)  # Admin -> Sources lists them
            server = _QuietServer(web_config(app, self.settings.host, self.settings.port))
            tasks.append(asyncio.create_task(server.serve(), name="web"))
        try:
            if until_sources_done:
                await asyncio.gather(*source_tasks)
                await self._drain(service)
                if self.reports:
                    await asyncio.to_thread(self._report_pass)
                stop.set()
            else:
                await stop.wait()
        finally:
            stop.set()
            if server is not None:
                server.should_exit = True
            for t in source_tasks:
                t.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await asyncio.gather(*tasks, *source_tasks, return_exceptions=True)
            self.pipeline.close()
            await self.bus.close()

    # -- reports: the demo archives its digests (the scheduler service does it in production)

    def _report_pass(self) -> int:
        """One scheduler pass over the stream's time (never past the last mention
        emitted, so a backfilled history gets its editions); the first pass starts the
        schedules at ``reports_since``. Archived only: no mailer. Returns reports built."""
        from socialhub.reports.scheduler import Scheduler

        stream_now = [t for s in self.sources if (t := getattr(s, "last_t", None)) is not None]
        now = min([utcnow(), *stream_now[-1:]]) if stream_now else utcnow()
        scheduler = Scheduler(self.store, None)
        if self.reports_since is not None:
            for ws in self.store.workspaces.list_workspaces():
                assert ws.id is not None
                for schedule in scheduler.schedules(ws):
                    if self.store.reports.get_schedule_state(ws.id, schedule.name) is None:
                        first = schedule.previous_slot(self.reports_since, ws.timezone)
                        self.store.reports.set_schedule_state(ws.id, schedule.name, first)
        outcomes = scheduler.run_due(now)
        return sum(1 for o in outcomes if o.status in ("built", "sent"))

    def _history_done(self, service: PipelineService) -> bool:
        sources = all(getattr(s, "backfilled", True) for s in self.sources)
        return sources and service.idle() and (self.detector is None or self.detector.idle())

    async def _reports(self, stop: asyncio.Event, service: PipelineService) -> None:
        while not stop.is_set() and not self._history_done(service):
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), 1.0)
        while not stop.is_set():
            try:
                await asyncio.to_thread(self._report_pass)
            except Exception:  # a report failing must not stop the hub
                log.exception("embedded report scheduler failed")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), self.reports_every)

    async def _drain(self, service: PipelineService) -> None:
        while not service.idle() or (self.detector is not None and not self.detector.idle()):
            await asyncio.sleep(0.05)

    def dropped(self) -> int:
        """Mentions the pipeline dropped or quarantined, all stages together."""
        stages = self.pipeline.stats.stages.values()
        return sum(sum(st.dropped.values()) + st.quarantined for st in stages)

    def close(self) -> None:
        self.store.close()


def web_config(app: Any, host: str, port: int) -> uvicorn.Config:
    """How every socialhub web server runs under uvicorn.

    uvicorn's own proxy-header handling is off: by default it believes X-Forwarded-For
    from 127.0.0.1, so anything on the machine could pick its client address (and reset
    the login rate limits). The app reads forwarded headers itself, only from the
    configured ``trusted_proxies`` (:mod:`socialhub.web.clientip`).
    """
    return uvicorn.Config(
        app, host=host, port=port, log_level="warning", lifespan="off", proxy_headers=False
    )


class _QuietServer(uvicorn.Server):
    """The hub owns SIGINT/SIGTERM (clean drain); uvicorn must not take them."""

    def install_signal_handlers(self) -> None:  # uvicorn < 0.29
        return None

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


async def _guard(name: str, coro: Awaitable[None]) -> None:
    """A failing source is logged and stops alone; the others keep running."""
    try:
        await coro
    except asyncio.CancelledError:
        raise
    except Exception:
        log.exception("source %s failed", name)
