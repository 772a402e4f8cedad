"""Slow ramps (issue 18, third round): a Poisson CUSUM against a slow level fires on a
rise of a few hours that no single window finds significant, and stays quiet on a
steady day-cycled stream."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

import pytest

from socialhub.analytics.detectors import DetectorSet
from socialhub.analytics.detectors.burst import BurstCore, BurstParams, KeyState
from socialhub.models import Mention

from .streams import T0, background

ONSET = T0 + timedelta(days=2, hours=14)


def rising(stream: list[Mention], **params: object) -> list[datetime]:
    config = {"per_workspace": False, **params}
    ds = DetectorSet.from_config({"only": ["volume"], "detectors": {"volume": config}})
    return [s.t for s in ds.run(sorted(stream, key=lambda m: m.created_at)) if s.trend == "rising"]


def ramp(seed: int, per_hour: list[int]) -> list[Mention]:
    """``per_hour[k]`` extra posts spread at random over hour ``k`` after ``ONSET``."""
    rng = random.Random(seed)
    return [
        Mention("x", f"ramp{k}-{i}", "", ONSET + timedelta(hours=k, seconds=rng.uniform(0, 3600)),
                query_ids=[1])
        for k, n in enumerate(per_hour)
        for i in range(n)
    ]  # fmt: skip


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_a_slow_ramp_fires_within_it(seed: int) -> None:
    """Six posts an hour (day-cycled) for two and a half days, then 12, 15, 18, 21 and
    24 more posts in five successive hours: each hour is at most 4x the usual, and the
    two-hour level of the windows climbs with the ramp, so no window ever fires; the
    CUSUM adds the moderate excesses up and fires within the ramp."""
    stream = list(background(seed, per_minute=0.1, duration=timedelta(days=3)))
    stream += ramp(seed, [12, 15, 18, 21, 24])
    fired = rising(stream)
    assert fired and ONSET <= fired[0] <= ONSET + timedelta(hours=5), fired
    old = rising(stream, cusum_tail=0.0)  # the windows alone (before this round)
    assert not [t for t in old if t <= ONSET + timedelta(hours=5)], old


@pytest.mark.parametrize(("seed", "per_minute"), [(3, 0.05), (4, 0.1), (5, 0.2), (6, 1.0)])
def test_a_steady_day_cycled_stream_stays_quiet(seed: int, per_minute: float) -> None:
    """Three days of a day/night cycle (night trough at a tenth of the evening peak,
    mornings ramping 7-fold): the CUSUM compares with the slow level times the learnt
    profile, so mornings are no ramp. A loose decision interval does fire (the test can
    fail)."""
    stream = list(background(seed, per_minute=per_minute, duration=timedelta(days=3)))
    assert rising(stream) == []
    assert rising(stream, cusum_tail=0.2) != []


def test_checkpoints_from_before_the_cusum_still_load() -> None:
    """A core checkpointed before this round (no CUSUM parameters, no CUSUM fields in its
    key states) loads with the rule off and fresh statistics."""
    core = BurstCore(BurstParams())
    core.add("query:1", 1_000.0, "x:1")
    _, slots = core.keys["query:1"].__getstate__()  # how pickle sees a slotted state
    old = KeyState.__new__(KeyState)
    for name, value in slots.items():
        if not name.startswith("cusum"):
            setattr(old, name, value)
    state = dict(core.__getstate__())
    state["keys"] = {"query:1": old}
    for name in ("cusum_tail", "cusum_rise", "cusum_memory"):
        object.__delattr__(state["p"], name)
    revived = BurstCore.__new__(BurstCore)
    revived.__setstate__(state)
    assert revived.p.cusum_tail == 0.0 and revived.p.cusum_memory == 86400.0
    assert revived.keys["query:1"].cusum == 0.0 and revived.keys["query:1"].cusum_ref == 0.0
    revived.add("query:1", 1_030.0, "x:2")  # and it runs
