"""Detector partitions spread over the running ``socialhub detect-service`` processes.

One partition per workspace (:mod:`socialhub.analytics.partitioned`). Every
``renew_every`` seconds each detector process:

1. renews the leases it holds (a lease it cannot renew was taken over: it stops that
   partition without checkpointing);
2. computes its fair share, ``ceil(partitions / live detector processes)`` (live: a
   heartbeat younger than the lease), releases partitions above it (last checkpoint,
   then the lease) and claims free or expired ones up to it.

A partition moving between processes resumes from its last checkpoint in the store,
and its durable consumer group (``detect_ws<id>``) keeps every stored mention not yet
acked, so nothing is skipped; what the old owner acked after its last checkpoint is
missing from the baselines (not from the alerts, which were recorded before the acks).
A clean stop writes a final checkpoint first, so a planned move loses nothing.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from socialhub.analytics.partitioned import WorkspaceDetectorService, partition_name
from socialhub.bus import Bus
from socialhub.models import utcnow
from socialhub.ops.metrics import Sample
from socialhub.store.base import Store

log = logging.getLogger(__name__)


@dataclass
class _Running:
    service: WorkspaceDetectorService
    stop: asyncio.Event
    task: asyncio.Task[None]


class PartitionRunner:
    """Claims, runs, renews and releases workspace partitions for one process.

    Parameters
    ----------
    owner
        This process's id (its heartbeat id), written into the leases.
    workspaces
        Only these workspace slugs (default: every workspace).
    lease_seconds
        A lease not renewed for this long may be taken by another process.
    """

    def __init__(
        self,
        bus: Bus,
        store: Store,
        config: Mapping[str, Any] | None,
        owner: str,
        *,
        workspaces: Iterable[str] | None = None,
        lease_seconds: float = 30.0,
        renew_every: float = 10.0,
        batch_size: int = 500,
    ) -> None:
        self.bus = bus
        self.store = store
        self.config = dict(config or {})
        self.owner = owner
        self.only = set(workspaces or [])
        self.lease = timedelta(seconds=lease_seconds)
        self.renew_every = renew_every
        self.batch_size = batch_size
        self.running: dict[int, _Running] = {}

    # -- what to own --------------------------------------------------------------------

    def wanted(self) -> list[int]:
        return [
            w.id
            for w in self.store.workspaces.list_workspaces()
            if w.id is not None and (not self.only or w.slug in self.only)
        ]

    def live_detectors(self) -> int:
        fresh = utcnow() - self.lease
        beats = self.store.processes.list_processes("detect")
        return max(1, sum(1 for b in beats if b.beat_at >= fresh or b.id == self.owner))

    def fair_share(self, partitions: int) -> int:
        if self.only:  # pinned to named workspaces: take them all
            return partitions
        return math.ceil(partitions / self.live_detectors())

    # -- the loop -----------------------------------------------------------------------

    async def run(self, stop: asyncio.Event) -> None:
        try:
            while not stop.is_set():
                try:
                    await self.rebalance()
                except Exception:  # the database is away: keep what runs, retry later
                    log.exception("partition rebalance failed")
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), self.renew_every)
        finally:
            for ws_id in list(self.running):
                await self._stop(ws_id, release=True)

    async def rebalance(self) -> None:
        until = utcnow() + self.lease
        for ws_id, run in list(self.running.items()):
            if run.task.done() or run.service.lost:
                await self._stop(ws_id, release=False)
                continue
            renewed = await asyncio.to_thread(
                self.store.checkpoints.claim_partition, partition_name(ws_id), self.owner, until
            )
            if not renewed:
                log.warning("partition %s taken over; stopping it", partition_name(ws_id))
                run.service.lost = True
                await self._stop(ws_id, release=False)
        wanted = await asyncio.to_thread(self.wanted)
        share = await asyncio.to_thread(self.fair_share, len(wanted))
        for ws_id in [w for w in self.running if w not in wanted]:
            await self._stop(ws_id, release=True)  # workspace deleted or unpinned
        while len(self.running) > share:
            await self._stop(max(self.running), release=True)
        for ws_id in wanted:
            if len(self.running) >= share:
                break
            if ws_id in self.running:
                continue
            got = await asyncio.to_thread(
                self.store.checkpoints.claim_partition, partition_name(ws_id), self.owner, until
            )
            if got:
                await self._start(ws_id)

    async def _start(self, ws_id: int) -> None:
        service = await asyncio.to_thread(
            WorkspaceDetectorService,
            self.bus,
            self.store,
            self.config,
            workspace_id=ws_id,
            owner=self.owner,
        )
        await service.subscribe()
        stop = asyncio.Event()
        task = asyncio.create_task(
            service.run(stop, batch_size=self.batch_size), name=f"detect:ws{ws_id}"
        )
        self.running[ws_id] = _Running(service, stop, task)
        log.info("partition %s started", service.partition)

    async def _stop(self, ws_id: int, *, release: bool) -> None:
        run = self.running.pop(ws_id)
        run.stop.set()
        # the service's run() writes its last checkpoint on the way out (refused by the
        # store when the lease was lost, which is what we want then)
        with contextlib.suppress(Exception):
            await run.task
        if release:
            await asyncio.to_thread(
                self.store.checkpoints.release_partition, run.service.partition, self.owner
            )
        log.info("partition %s stopped (released: %s)", run.service.partition, release)

    # -- observability ------------------------------------------------------------------

    def idle(self) -> bool:
        return all(r.service.idle() for r in self.running.values())

    def info(self) -> dict[str, Any]:
        away = any(r.service.store_error for r in self.running.values())
        return {
            "partitions": sorted(r.service.partition for r in self.running.values()),
            "store": "unavailable" if away else "ok",
            "paused": away,  # a partition holds its batch until the store answers
        }

    def samples(self) -> list[Sample]:
        out: list[Sample] = []
        for run in self.running.values():
            svc = run.service
            labels = {"partition": svc.partition}
            out.append(Sample("socialhub_detect_mentions_total", svc.fed, labels, "counter",
                              "Mentions fed to the partition's detectors"))  # fmt: skip
            out.append(Sample("socialhub_detect_signals_total", svc.signals, labels, "counter",
                              "Signals raised by detectors and triggers"))  # fmt: skip
            for action, n in svc.outcomes.items():
                out.append(Sample("socialhub_alerts_total", n, {**labels, "action": action},
                                  "counter", "Alert outcomes (opened, merged, ...)"))  # fmt: skip
            if svc.sub is not None:
                out.append(Sample("socialhub_bus_lag", svc.sub.pending(),
                                  {"group": svc.group, "subject": "mentions.stored"},
                                  help="Messages waiting or unacked for the group"))  # fmt: skip
        return out
