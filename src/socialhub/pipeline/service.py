"""The pipeline as a bus consumer: raw mentions in, enriched mentions stored, then acked.

A message is acked only after the store has committed the batch, so a killed process
loses no acknowledged mention: unacked ones are delivered again and the idempotent
store absorbs the repeat. Undecodable payloads are quarantined with the reason.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

from socialhub.bus import RAW, STORED, Bus, Message, Subscription
from socialhub.models import Mention, QuarantineItem
from socialhub.pipeline.chain import Pipeline
from socialhub.serialize import mention_from_json, mention_to_json
from socialhub.store.base import Store

log = logging.getLogger(__name__)


class PipelineService:
    def __init__(
        self,
        bus: Bus,
        store: Store,
        pipeline: Pipeline,
        *,
        batch_size: int = 500,
        group: str = "pipeline",
        on_stored: Callable[[list[Mention]], None] | None = None,
        catch_up_backlog: int | None = None,
    ) -> None:
        self.bus = bus
        self.store = store
        self.pipeline = pipeline
        self.batch_size = batch_size
        self.group = group
        self.on_stored = on_stored
        # above this many waiting mentions, batches take the pipeline's fast variant
        self.catch_up_backlog = catch_up_backlog
        self.stored = 0
        self.sub: Subscription | None = None

    def idle(self) -> bool:
        """True when nothing is waiting or in flight (used to drain before exit)."""
        return self.sub is not None and self.sub.pending() == 0

    async def run(self, stop: asyncio.Event) -> None:
        sub = self.sub = await self.bus.subscribe(RAW, self.group, ack_wait=60.0)
        while not stop.is_set():
            msgs = await sub.fetch(self.batch_size, timeout=0.5)
            if not msgs:
                continue
            fast = self.catch_up_backlog is not None and sub.pending() > self.catch_up_backlog
            try:
                stored = await asyncio.to_thread(self.handle, msgs, fast)
            except Exception:
                log.exception("batch of %d failed; will be redelivered", len(msgs))
                for msg in msgs:
                    await sub.nak(msg, "store error")
                await asyncio.sleep(1.0)
                continue
            for m in stored:
                await self.bus.publish(STORED, mention_to_json(m, include_raw=False))
            if self.on_stored and stored:
                self.on_stored(stored)
            for msg in msgs:  # acked only once committed and announced
                await sub.ack(msg)

    def handle(self, msgs: list[Message], fast: bool = False) -> list[Mention]:
        """Decode, enrich and store one batch (runs in a worker thread)."""
        batch: list[Mention] = []
        bad: list[QuarantineItem] = []
        for msg in msgs:
            try:
                batch.append(mention_from_json(msg.data))
            except Exception as exc:
                bad.append(
                    QuarantineItem(
                        source=f"bus:{msg.subject}",
                        reason=f"undecodable mention: {type(exc).__name__}: {exc}"[:2000],
                        raw=msg.data.decode("utf-8", "replace"),
                        location=f"seq {msg.seq}",
                    )
                )
        result = self.pipeline.process(batch, fast=fast)
        bad.extend(result.quarantined)
        if bad:
            self.store.sources.quarantine(bad)
        if result.kept:
            self.store.mentions.add(result.kept)
        self.stored += len(result.kept)
        return result.kept
