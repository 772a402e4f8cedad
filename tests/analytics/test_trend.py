"""An alert's trend words follow the rate itself (the real-data trial: the West, Texas
explosion fired at 01:23 UTC, then said "falling back" at 01:31 while its posts rose
from 26 to 59 per 10 minutes — 9 posts then 4 in five minutes had read as a fall)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from socialhub.analytics.detectors import DetectorSet
from socialhub.analytics.detectors.burst_trend import _fell, _rose
from socialhub.analytics.detectors.series import SlidingCounts
from socialhub.records.signals import Signal

from .streams import T0, background, burst, merge

ONSET = T0 + timedelta(days=1, hours=1)  # a quiet night hour


def run(stream: list) -> list[Signal]:
    ds = DetectorSet.from_config({"only": ["volume"]})
    return [s for s in ds.run(stream) if s.key == "query:1"]


def ramp(seed: int, rates: list[float], minutes: float = 10.0) -> list:
    """Consecutive Poisson segments of ``rates`` posts a minute from ``ONSET``."""
    out = []
    for j, rate in enumerate(rates):
        start = ONSET + timedelta(minutes=minutes * j)
        out += burst(seed * 100 + j, start=start, per_minute=rate, minutes=minutes,
                     prefix=f"r{seed}-{j}-")  # fmt: skip
    return out


def quiet(seed: int) -> list:
    return list(background(seed, per_minute=0.2, duration=timedelta(days=2)))


@pytest.mark.parametrize("seed", range(1, 7))
def test_a_stream_that_keeps_rising_after_the_alert_is_rising(seed: int) -> None:
    # the West explosion's first hours: 0.3, 0.9, 1.6, 2.6 ... 10.8 posts a minute
    rates = [0.3, 0.9, 1.6, 2.6, 3.5, 3.9, 5.9, 8.0, 10.8]
    end = ONSET + timedelta(minutes=10 * len(rates))
    sigs = run(merge(quiet(seed), ramp(seed, rates)))
    during = [s for s in sigs if ONSET <= s.t < end]
    assert during and during[0].trend == "rising", [(s.t, s.trend) for s in sigs]
    words = [s.trend for s in during]
    assert "falling back" not in words, words  # ("peaking" may fit 3.5 then 3.9)
    assert "still rising" in words, words  # the climb from ~1 to ~11 a minute is told
    assert words[-1] == "still rising", words  # and it is the last word while it climbs


@pytest.mark.parametrize("seed", range(1, 7))
def test_a_stream_that_falls_is_falling_back(seed: int) -> None:
    # 30 a minute for 20 minutes, then 4 a minute (still far above the night's 0.03)
    drop = ONSET + timedelta(minutes=20)
    sigs = run(merge(quiet(seed), ramp(seed, [30.0, 30.0, 4.0, 4.0, 4.0], minutes=10.0)))
    after = [s for s in sigs if s.t >= ONSET]
    assert after[0].trend == "rising"
    fall = [s for s in after if s.trend == "falling back"]
    assert fall, [(s.t, s.trend) for s in after]
    assert drop <= fall[0].t <= drop + timedelta(minutes=10)
    assert all(s.trend != "falling back" for s in after if s.t < drop)


@pytest.mark.parametrize("seed", range(1, 9))
def test_noise_at_small_counts_does_not_flip_the_trend(seed: int) -> None:
    # a steady 2 posts a minute for an hour (10 per 5 minutes, Poisson noise) over a
    # quiet night: one alert, and no word that the rate fell while it held
    end = ONSET + timedelta(minutes=60)
    sigs = run(merge(quiet(seed), ramp(seed, [2.0] * 6)))
    during = [s for s in sigs if ONSET <= s.t < end]
    assert during and during[0].trend == "rising"
    assert [s.trend for s in during if s.trend == "falling back"] == []


def test_the_exact_test_of_two_counts() -> None:
    assert not _rose(9, 4) and not _fell(4, 9, 1.0)  # the trial's "fall": p = 0.13
    assert _rose(10, 0) and not _rose(9, 0)  # 0.5 ** 10 < 1e-3 < 0.5 ** 9
    assert _rose(60, 29) and not _rose(4, 9)
    # 5 minutes against the 15 before: 4 after 33 is a Poisson dip, 20 after 450 a fall
    assert not _fell(4, 33, 3.0) and _fell(20, 450, 3.0) and not _fell(20, 40, 3.0)


def test_the_window_before_a_window() -> None:
    c = SlidingCounts(10.0, (60.0, 300.0, 3600.0))
    c.roll(0.0)
    c.add(3)  # at 0 s
    c.roll(310.0)
    c.add(2)
    assert c.window(1) == 2 and c.earlier(300.0, 300.0) == 3
    assert c.earlier(3300.0, 600.0) is None  # beyond the ring
