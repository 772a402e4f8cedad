"""Volume detector: when it fires on seeded streams, and that it keeps quiet otherwise."""

from __future__ import annotations

from datetime import timedelta

import pytest

from socialhub.analytics.detectors import DetectorSet, VolumeDetector
from socialhub.models import Mention
from socialhub.records.signals import TRENDS

from .streams import T0, background, burst, expected_rate, merge


def run(stream: list[Mention], **params: object) -> list:
    ds = DetectorSet.from_config({"only": ["volume"], "detectors": {"volume": params}})
    return list(ds.run(stream))


@pytest.mark.parametrize(("seed", "per_minute"), [(1, 0.3), (2, 3.0), (3, 15.0)])
def test_quiet_on_a_week_of_seasonal_background(seed: int, per_minute: float) -> None:
    stream = list(background(seed, per_minute=per_minute))
    rising = [s for s in run(stream) if s.trend == "rising"]
    assert len(rising) <= 1, [s.title for s in rising]


def test_fires_within_a_minute_of_a_5x_burst() -> None:
    start = T0 + timedelta(days=2, hours=14)
    base = 3.0
    extra = 4 * expected_rate(start, base)  # background + extra = 5x the usual
    stream = merge(
        background(11, per_minute=base, duration=timedelta(days=3)),
        burst(12, start=start, per_minute=extra, minutes=20),
    )
    rising = [s for s in run(stream) if s.trend == "rising"]
    assert len(rising) == 1
    sig = rising[0]
    assert start + timedelta(seconds=10) <= sig.t <= start + timedelta(seconds=60)
    assert sig.key == "query:1" and sig.query_id == 1
    assert sig.observed >= sig.threshold and sig.score >= 5.5
    assert 3 <= sig.severity <= 7
    burst_ids = [e for e in sig.evidence if e.startswith("x:burst12-")]
    assert burst_ids[0] == "x:burst12-0" and len(burst_ids) * 2 > len(sig.evidence)


def test_three_posts_at_4am_page_nobody() -> None:
    quiet = list(background(21, per_minute=0.2, duration=timedelta(days=2)))
    night = T0 + timedelta(days=1, hours=4)
    three = [
        Mention("x", f"n{i}", "panne", night + timedelta(seconds=10 * i), query_ids=[1])
        for i in range(3)
    ]
    assert [s for s in run(merge(quiet, three)) if s.trend == "rising"] == []


def test_one_burst_one_alert_with_its_trend_then_a_new_alert_later() -> None:
    first = T0 + timedelta(days=1, hours=15)
    second = first + timedelta(hours=5)
    stream = merge(
        background(31, per_minute=2.0, duration=timedelta(days=2)),
        burst(32, start=first, per_minute=30, minutes=40),
        burst(33, start=second, per_minute=30, minutes=40),
    )
    sigs = run(stream)
    assert all(s.trend in TRENDS for s in sigs)
    rising = [s for s in sigs if s.trend == "rising"]
    # the baseline did not learn the first burst: the second one fires just as fast
    assert len(rising) == 2
    assert first <= rising[0].t <= first + timedelta(seconds=60)
    assert second <= rising[1].t <= second + timedelta(seconds=60)
    between = [s.trend for s in sigs if rising[0].t < s.t < rising[1].t]
    assert "falling back" in between
    assert between.index("falling back") == len(between) - 1  # the last word on it


def test_per_workspace_key_and_labels_in_titles() -> None:
    start = T0 + timedelta(days=1, hours=14)
    stream = merge(
        background(41, per_minute=2.0, duration=timedelta(days=2), query_ids=(5,)),
        burst(42, start=start, per_minute=40, minutes=10, query_ids=(5,)),
    )
    det = VolumeDetector(workspaces={5: 2}, labels={"query:5": "Pannes"})
    sigs = [s for m in stream for s in det.update(m)]
    keys = {s.key for s in sigs}
    assert keys == {"query:5", "workspace:2"}
    q = next(s for s in sigs if s.key == "query:5")
    assert q.workspace_id == 2 and q.title.startswith("Pannes:")
