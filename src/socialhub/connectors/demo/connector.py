"""Plays the simulator: a backfill of recent history at once, then live at ``speed``."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

from socialhub.connectors.base import Emit
from socialhub.demo.simulator import Simulator


class DemoSource:
    name = "demo"
    complete = True  # a simulator misses nothing: its health says "complete since" start

    def __init__(
        self,
        *,
        seed: int = 42,
        speed: float = 60.0,
        backfill_hours: float = 6.0,
        start: datetime | None = None,
        limit: int | None = None,
        **options: Any,
    ) -> None:
        if start is None:
            now = datetime.now(UTC).replace(second=0, microsecond=0)
            start = now - timedelta(hours=backfill_hours)
        self.start = start
        self.speed = speed
        self.limit = limit
        self.backfill_until = start + timedelta(hours=backfill_hours)
        self.simulator = Simulator(seed=seed, start=start, **options)
        self.emitted = 0
        self.last_t: datetime | None = None  # stream time of the last mention emitted
        self.backfilled = False  # the history is emitted (live play, or the end)

    async def run(self, emit: Emit, stop: asyncio.Event) -> None:
        try:
            await self._play(emit, stop)
        finally:
            self.backfilled = True

    async def _play(self, emit: Emit, stop: asyncio.Event) -> None:
        loop = asyncio.get_running_loop()
        t0_wall: float | None = None  # wall time when live play starts
        for mention in self.simulator.mentions():
            if stop.is_set() or (self.limit is not None and self.emitted >= self.limit):
                return
            if mention.created_at > self.backfill_until and self.speed > 0:
                # live part: one simulated second takes 1/speed wall seconds
                if t0_wall is None:
                    t0_wall = loop.time()
                    self.backfilled = True
                due = (mention.created_at - self.backfill_until).total_seconds() / self.speed
                delay = t0_wall + due - loop.time()
                if delay > 0:
                    try:
                        await asyncio.wait_for(stop.wait(), delay)
                        return
                    except TimeoutError:
                        pass
            await emit(mention)
            self.emitted += 1
            self.last_t = mention.created_at
            if self.emitted % 500 == 0:
                await asyncio.sleep(0)  # let the pipeline drain during the backfill
