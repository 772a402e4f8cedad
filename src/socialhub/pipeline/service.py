"""The pipeline as a bus consumer: raw mentions in, enriched mentions stored, then acked.

The invariant (issue 23): nothing is acknowledged that is not committed, quarantined or
dead-lettered with its reason. For each batch, in this order:

1. decode and enrich (undecodable payloads and mentions a stage fails on are kept aside
   for quarantine with the reason);
2. commit: quarantine rows and mentions in the store;
3. announce what was stored on ``mentions.stored``, each with a deterministic message
   id (mention id + engagement), so a batch redelivered after a crash between commit and
   ack is announced once within the bus's duplicate window;
4. only then do stateful stages learn the batch (:meth:`Pipeline.commit`: the exact
   duplicate filter), and the messages are acked.

When the store is away (:func:`~socialhub.store.availability.is_unavailable`: connection
lost, server restarting, a lock held past ``lock_timeout``) the worker *pauses*: it
stops fetching, keeps the batch it holds (``touch`` restarts its ack timer, so no
delivery attempt is spent and nothing is dead-lettered for an outage) and retries it
with backoff until the store answers, then goes on. ``health()`` says so for
``socialhub status`` and the metrics. Any other error is the batch's own: its messages
are nak'ed and, after ``max_deliver`` attempts, dead-lettered with the reason.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from socialhub.bus import RAW, STORED, Bus, Message, Subscription, mention_message_id
from socialhub.models import Mention, QuarantineItem
from socialhub.pipeline.chain import Pipeline, Result
from socialhub.records.quarantine import Reason
from socialhub.serialize import mention_from_json, mention_to_json
from socialhub.store.availability import is_unavailable
from socialhub.store.base import Store

log = logging.getLogger(__name__)


@dataclass
class Prepared:
    """A batch enriched and ready to commit (kept across retries while the store is away,
    so the enrichers do not run again)."""

    result: Result
    bad: list[QuarantineItem] = field(default_factory=list)
    committed: bool = False


class PipelineService:
    """See the module docstring.

    Parameters
    ----------
    ack_wait
        Seconds a fetched batch may stay unacked before the bus hands it to another
        worker (a killed worker's batch comes back after this).
    retry_first, retry_max
        Backoff while the store is away: first wait, doubled up to ``retry_max``.
    nak_pause
        Seconds to wait after nak'ing a batch that failed on its own.
    """

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
        ack_wait: float = 60.0,
        retry_first: float = 0.25,
        retry_max: float = 5.0,
        nak_pause: float = 1.0,
    ) -> None:
        self.bus = bus
        self.store = store
        self.pipeline = pipeline
        self.batch_size = batch_size
        self.group = group
        self.on_stored = on_stored
        # above this many waiting mentions, batches take the pipeline's fast variant
        self.catch_up_backlog = catch_up_backlog
        self.ack_wait = ack_wait
        self.retry_first = retry_first
        self.retry_max = min(retry_max, ack_wait / 3)  # touch well within ack_wait
        self.nak_pause = nak_pause
        self.stored = 0
        self.sub: Subscription | None = None
        # store health, for status and metrics
        self.store_error: str | None = None
        self.paused_since: float | None = None  # time.time() when the pause began
        self.store_failures = 0  # batches that found the store away (one per attempt)
        self.paused_seconds = 0.0
        self.failed_batches = 0  # batches nak'ed for an error of their own

    # -- health -------------------------------------------------------------------------

    @property
    def paused(self) -> bool:
        return self.paused_since is not None

    def health(self) -> dict[str, Any]:
        """``store``: ok or unavailable; ``paused``: not fetching while the store is away."""
        out: dict[str, Any] = {"store": "unavailable" if self.paused else "ok"}
        out["paused"] = self.paused
        if self.paused_since is not None:
            out["paused_for_s"] = round(time.time() - self.paused_since, 1)
            out["store_error"] = self.store_error
        return out

    def _pause(self, exc: BaseException) -> None:
        self.store_failures += 1
        self.store_error = f"{type(exc).__name__}: {exc}"[:300].strip()
        if self.paused_since is None:
            self.paused_since = time.time()
            log.warning("store unavailable, pausing (batch held): %s", self.store_error)

    def _resume(self) -> None:
        if self.paused_since is not None:
            self.paused_seconds += time.time() - self.paused_since
            log.warning("store back after %.1fs, resuming", time.time() - self.paused_since)
        self.paused_since = None
        self.store_error = None

    def idle(self) -> bool:
        """True when nothing is waiting or in flight (used to drain before exit)."""
        return self.sub is not None and self.sub.pending() == 0

    # -- the consumer loop --------------------------------------------------------------

    async def run(self, stop: asyncio.Event) -> None:
        sub = self.sub = await self.bus.subscribe(RAW, self.group, ack_wait=self.ack_wait)
        while not stop.is_set():
            msgs = await sub.fetch(self.batch_size, timeout=0.5)
            if not msgs:
                continue
            fast = self.catch_up_backlog is not None and sub.pending() > self.catch_up_backlog
            await self.consume(sub, msgs, stop, fast=fast)

    async def consume(
        self, sub: Subscription, msgs: list[Message], stop: asyncio.Event, *, fast: bool = False
    ) -> bool:
        """Take one fetched batch to the end: acked (True), nak'ed or left for redelivery."""
        prepared: Prepared | None = None
        delay = self.retry_first
        while True:
            try:
                if prepared is None:
                    prepared = await asyncio.to_thread(self.prepare, msgs, fast)
                await asyncio.to_thread(self.commit, prepared)
                break
            except Exception as exc:
                if not is_unavailable(exc):
                    log.exception("batch of %d failed; will be redelivered", len(msgs))
                    self.failed_batches += 1
                    for msg in msgs:
                        await sub.nak(msg, f"{type(exc).__name__}: {exc}"[:500])
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(stop.wait(), self.nak_pause)
                    return False
                self._pause(exc)
            # the store is away: hold the batch (no new fetch), keep it ours, retry
            for msg in msgs:
                await sub.touch(msg)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), delay)
            if stop.is_set():
                return False  # unacked: redelivered to a worker after ack_wait
            delay = min(delay * 2, self.retry_max)
        self._resume()
        stored = prepared.result.kept
        try:
            for m in stored:
                await self.bus.publish(
                    STORED, mention_to_json(m, include_raw=False), {"id": mention_message_id(m)}
                )
        except Exception:
            # committed but not announced: redelivery stores it again (a no-op) and
            # announces it under the same ids, which the bus deduplicates
            log.exception("announcing %d stored mentions failed; batch redelivered", len(stored))
            for msg in msgs:
                await sub.nak(msg, "announce failed")
            return False
        if self.on_stored and stored:
            self.on_stored(stored)
        self.pipeline.commit(prepared.result)  # only now: the dedup filter learns them
        for msg in msgs:  # acked only once committed and announced
            await sub.ack(msg)
        return True

    # -- one batch (worker thread) ------------------------------------------------------

    def prepare(self, msgs: list[Message], fast: bool = False) -> Prepared:
        """Decode and enrich a batch; undecodable payloads are set aside for quarantine."""
        batch: list[Mention] = []
        bad: list[QuarantineItem] = []
        for msg in msgs:
            try:
                batch.append(mention_from_json(msg.data))
            except Exception as exc:
                bad.append(
                    QuarantineItem(
                        source=f"bus:{msg.subject}",
                        reason=Reason(
                            "undecodable_mention",
                            error_type=type(exc).__name__,
                            error=str(exc)[:1900],
                        ),
                        raw=msg.data.decode("utf-8", "replace"),
                        location=f"seq {msg.seq}",
                    )
                )
        result = self.pipeline.process(batch, fast=fast)
        bad.extend(result.quarantined)
        return Prepared(result, bad)

    def commit(self, prepared: Prepared) -> None:
        """Write the batch's quarantine rows and mentions (idempotent: may be retried)."""
        if prepared.committed:
            return
        if prepared.bad:
            self.store.sources.quarantine(prepared.bad)
            prepared.bad = []  # written: a retry after a failed add does not repeat them
        if prepared.result.kept:
            self.store.mentions.add(prepared.result.kept)
        prepared.committed = True
        self.stored += len(prepared.result.kept)

    def handle(self, msgs: list[Message], fast: bool = False) -> list[Mention]:
        """Decode, enrich and store one batch (the stages learn it only on ack)."""
        prepared = self.prepare(msgs, fast)
        self.commit(prepared)
        return prepared.result.kept
