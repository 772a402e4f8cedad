"""The pipeline consumer when its store fails (issue 23), on SQLite and PostgreSQL.

Nothing is acknowledged that is not committed, quarantined or dead-lettered with its
reason: a batch whose commit failed is written when it comes back (never dropped by the
duplicate filter as a "duplicate" of what the store lacks), a store that is away pauses
the worker on the batch it holds (no delivery attempt spent, so nothing is
dead-lettered for an outage), and every stored mention is announced once.

The store is real; the fault is injected by a thin wrapper that makes ``add`` raise
the way a lost connection or a full disk does, a set number of times.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

import psycopg
import pytest

from socialhub.bus import RAW, STORED, MemoryBus, mention_message_id
from socialhub.enrichers.dedup import ExactDedup
from socialhub.models import Mention
from socialhub.pipeline.base import Context
from socialhub.pipeline.chain import Pipeline
from socialhub.pipeline.service import PipelineService
from socialhub.serialize import mention_from_json, mention_to_json
from socialhub.store.base import Store

T0 = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
N = 40


def mention(n: int) -> Mention:
    return Mention("x", str(n), f"message {n} sur le réseau", T0 + timedelta(seconds=n))


class FailingAdds:
    """The real mentions repository, whose next ``failures`` calls to ``add`` raise
    ``error`` (installed as ``store.mentions`` for the test)."""

    def __init__(self, mentions: Any, failures: int, error: Exception) -> None:
        self._mentions = mentions
        self.failures = failures
        self.error = error
        self.calls = 0

    def add(self, batch: Any) -> Any:
        self.calls += 1
        if self.failures > 0:
            self.failures -= 1
            raise self.error
        return self._mentions.add(batch)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._mentions, name)


async def run_until_stored(
    service: PipelineService, bus: MemoryBus, store: Store, want: int
) -> tuple[list[Mention], bool]:
    """Run the consumer until ``want`` mentions are stored and its group is drained;
    returns what it announced on ``mentions.stored`` and whether it ever paused."""
    announced = await bus.subscribe(STORED, "detect")
    stop = asyncio.Event()
    task = asyncio.create_task(service.run(stop))
    paused = False
    deadline = asyncio.get_running_loop().time() + 30
    while not (service.sub is not None and service.idle() and store.mentions.count() >= want):
        paused = paused or service.paused
        assert asyncio.get_running_loop().time() < deadline, "consumer did not drain"
        await asyncio.sleep(0.01)
    stop.set()
    await task
    out = [mention_from_json(m.data) for m in await announced.fetch(10 * want, timeout=0.1)]
    return out, paused


@pytest.mark.parametrize(
    ("error", "transient"),
    [
        (RuntimeError("disk full"), False),  # the batch's own error: nak, redelivery
        (psycopg.OperationalError("the connection is lost"), True),  # store away: pause
    ],
    ids=["nak", "pause"],
)
def test_a_batch_whose_commit_failed_is_stored_when_it_comes_back(
    store: Store, error: Exception, transient: bool
) -> None:
    real = store.mentions
    flaky = FailingAdds(real, failures=2, error=error)
    store.mentions = flaky  # type: ignore[misc]
    pipeline = Pipeline([ExactDedup(Context(None, {}))])
    bus = MemoryBus()
    service = PipelineService(
        bus,
        store,
        pipeline,
        batch_size=N,
        retry_first=0.01,
        nak_pause=0.01,
    )

    async def main() -> tuple[list[Mention], bool, list[Any]]:
        dead = await bus.subscribe(f"dead.{RAW}", "ops")
        for i in range(N):
            m = mention(i)
            await bus.publish(RAW, mention_to_json(m), {"id": mention_message_id(m)})
        announced, paused = await run_until_stored(service, bus, store, N)
        return announced, paused, await dead.fetch(100, timeout=0.05)

    try:
        announced, paused, dead = asyncio.run(main())
    finally:
        store.mentions = real  # type: ignore[misc]
    # every mention written, once, and announced once; nothing dead-lettered
    assert store.mentions.count() == N and flaky.calls == 3
    assert sorted(m.id for m in announced) == sorted(mention(i).id for i in range(N))
    assert dead == []
    stats = pipeline.stats.stage("dedup")
    assert stats.dropped["duplicate"] == 0  # the redelivered batch was not "seen"
    assert paused is transient
    assert service.failed_batches == (0 if transient else 2)
    assert service.store_failures == (2 if transient else 0)
    assert not service.paused and service.health() == {"store": "ok", "paused": False}


def test_a_committed_batch_redelivered_is_dropped_as_a_duplicate_and_not_announced_twice(
    sqlite_store: Store,
) -> None:
    # the ack was lost after the commit: the same worker sees the batch again; its
    # duplicate filter (which learnt the batch at commit) drops it, and it is acked
    pipeline = Pipeline([ExactDedup(Context(None, {}))])
    bus = MemoryBus()
    service = PipelineService(bus, sqlite_store, pipeline, batch_size=N)

    async def main() -> list[Mention]:
        for i in range(N):
            m = mention(i)
            await bus.publish(RAW, mention_to_json(m), {"id": mention_message_id(m)})
        first, _ = await run_until_stored(service, bus, sqlite_store, N)
        for i in range(N):  # published again by a producer that retried (other ids)
            await bus.publish(RAW, mention_to_json(mention(i)), {"id": f"retry-{i}"})
        again, _ = await run_until_stored(service, bus, sqlite_store, N)
        return first + again

    announced = asyncio.run(main())
    assert sqlite_store.mentions.count() == N and len(announced) == N
    assert pipeline.stats.stage("dedup").dropped["duplicate"] == N


def test_the_memory_bus_stores_one_copy_per_message_id() -> None:
    async def main() -> list[bytes]:
        bus = MemoryBus()
        sub = await bus.subscribe(STORED, "detect")
        for data in (b"a", b"b"):
            await bus.publish(STORED, data, {"id": "same"})
        await bus.publish(STORED, b"c", {"id": "other"})
        await bus.publish(STORED, b"d")  # no id: never deduplicated
        return [m.data for m in await sub.fetch(10, timeout=0.1)]

    assert asyncio.run(main()) == [b"a", b"c", b"d"]
