"""Real-time playback: paced by simulated time / speed, same mentions as the fast path."""

from __future__ import annotations

import asyncio
import time

import pytest

from socialhub.demo import Simulator
from socialhub.models import Mention


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0
        self.slept: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds

    async def asleep(self, seconds: float) -> None:
        self.sleep(seconds)


def test_live_paces_by_simulated_time() -> None:
    sim = Simulator(seed=9)
    expected = sim.take(300)
    fake = FakeClock()

    async def collect() -> list[Mention]:
        out: list[Mention] = []
        async for m in sim.live(speed=60.0, sleep=fake.asleep, clock=fake.clock):
            out.append(m)
            if len(out) == 300:
                break
        return out

    got = asyncio.run(collect())
    assert [m.id for m in got] == [m.id for m in expected]
    span = (expected[-1].created_at - expected[0].created_at).total_seconds()
    assert sum(fake.slept) == pytest.approx(span / 60.0, rel=1e-6)
    assert all(s > 0 for s in fake.slept)


def test_replay_paces_by_simulated_time() -> None:
    sim = Simulator(seed=9)
    fake = FakeClock()
    got: list[Mention] = []
    for m in sim.replay(speed=600.0, sleep=fake.sleep, clock=fake.clock):
        got.append(m)
        if len(got) == 200:
            break
    span = (got[-1].created_at - got[0].created_at).total_seconds()
    assert sum(fake.slept) == pytest.approx(span / 600.0, rel=1e-6)


def test_live_really_waits() -> None:
    sim = Simulator(seed=9)
    first = sim.take(40)
    span = (first[-1].created_at - first[0].created_at).total_seconds()
    speed = span / 0.3  # these 40 mentions should take about 0.3 s

    async def run() -> float:
        start = time.monotonic()
        n = 0
        async for _ in sim.live(speed=speed):
            n += 1
            if n == 40:
                break
        return time.monotonic() - start

    elapsed = asyncio.run(run())
    assert elapsed >= 0.25  # really waited (no upper bound: the machine may be loaded)


def test_speed_must_be_positive() -> None:
    with pytest.raises(ValueError):
        next(Simulator().replay(speed=0))
    with pytest.raises(ValueError):
        Simulator(rate_per_minute=0)
    with pytest.raises(ValueError):
        Simulator(languages={"fr": 1.0, "xx": 1.0})
