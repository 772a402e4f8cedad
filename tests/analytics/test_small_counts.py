"""Small counts (issue 18): exact tail thresholds, and sparse streams alert on time."""

from __future__ import annotations

import csv
import math
import pickle
import random
from datetime import datetime, timedelta

import pytest

from socialhub.analytics.detectors import DetectorSet
from socialhub.analytics.detectors.burst import BurstCore, BurstParams
from socialhub.analytics.detectors.smallcounts import upper_threshold
from socialhub.models import Mention
from socialhub.shared_data import shared_data_dir

from .streams import T0


def poisson_tail(mean: float, n: int) -> float:
    """P(X >= n) for X ~ Poisson(mean), summed directly."""
    return 1.0 - sum(math.exp(-mean) * mean**k / math.factorial(k) for k in range(n))


@pytest.mark.parametrize("mean", [0.01, 0.3, 1.0, 4.0, 25.0])
@pytest.mark.parametrize("p_tail", [1e-4, 1e-8])
def test_poisson_threshold_is_the_exact_quantile(mean: float, p_tail: float) -> None:
    n = upper_threshold(mean, mean, p_tail)
    assert poisson_tail(mean, n) <= p_tail < poisson_tail(mean, n - 1)


def test_uncertain_rates_need_more_and_large_means_stay_close_to_normal() -> None:
    assert upper_threshold(2.0, 2.0 + 4.0, 1e-6) > upper_threshold(2.0, 2.0, 1e-6)
    big = upper_threshold(1_000.0, 1_000.0, 1e-6)  # normal approximation: mean + 4.75 sd
    assert 1_000 + 4.5 * math.sqrt(1_000) <= big <= 1_000 + 5.0 * math.sqrt(1_000)


def sparse_stream(seed: int, per_hour: float, hours: float, start: datetime) -> list[Mention]:
    rng = random.Random(seed)
    out, t = [], 0.0
    while True:
        t += rng.expovariate(per_hour / 3600.0)
        if t > hours * 3600:
            return out
        out.append(
            Mention("x", f"s{seed}-{len(out)}", "", start + timedelta(seconds=t), query_ids=[1])
        )


def rising(stream: list[Mention], **params: object) -> list[datetime]:
    ds = DetectorSet.from_config({"only": ["volume"], "detectors": {"volume": params}})
    return [s.t for s in ds.run(sorted(stream, key=lambda m: m.created_at)) if s.trend == "rising"]


def test_a_quiet_query_alerts_on_a_dozen_posts_and_not_before() -> None:
    """A post every few hours for a day, then fourteen in three minutes (a local event):
    the old floor of 15 posts in a window never fired; the exact test does."""
    onset = T0 + timedelta(hours=24)
    local = [
        Mention("x", f"local-{i}", "", onset + timedelta(seconds=12 * i), query_ids=[1])
        for i in range(14)
    ]
    stream = sparse_stream(1, 0.3, 24.0, T0) + local
    fired = rising(stream)
    assert fired and onset <= fired[0] <= onset + timedelta(minutes=3), fired
    assert rising(stream, tail=0.0) == []  # the z rule alone: silent


@pytest.mark.parametrize("seed", [3, 4, 5])
def test_a_quiet_sparse_stream_stays_quiet(seed: int) -> None:
    stream = sparse_stream(seed, 6.0, 24.0 * 5, T0)
    assert rising(stream) == []


def test_checkpoints_from_before_small_counts_still_load() -> None:
    core = BurstCore(BurstParams())
    core.add("query:1", 1_000.0, "x:1")
    state = pickle.loads(pickle.dumps(core))
    for name in ("tail", "small_min"):
        object.__delattr__(state.p, name)
    revived = pickle.loads(pickle.dumps(state))
    assert revived.p.tail == 0.0 and revived.p.small_min == 8


CRISIS = {  # event: onset hour (first hour >= 20 tweets and >= 5x the previous median)
    "2012_Costa_Rica_earthquake": 32,
    "2012_Italy_earthquakes": 42,
    "2012_Philipinnes_floods": 138,  # 59 min (never before; the z rule alone: missed)
    "2013_LA_airport_shootings": 9,  # 50 min (z rule alone: missed)
    "2013_Manila_floods": 28,  # 58 min (z rule alone: missed)
}


@pytest.mark.parametrize(("event", "onset"), sorted(CRISIS.items()))
def test_real_crisis_timelines_alert_within_the_hour_of_onset(event: str, onset: int) -> None:
    """CrisisLexT26 tweet timestamps (shared data), replayed as one query."""
    path = next((shared_data_dir() / "crisis" / "crisislex_t26" / event).glob("*-tweetids_*.csv"))
    times = []
    with path.open(newline="", encoding="utf-8") as fh:
        rows = csv.reader(fh, skipinitialspace=True)
        next(rows)
        for row in rows:
            times.append(datetime.strptime(row[0], "%a %b %d %H:%M:%S %z %Y"))
    times.sort()
    t0 = times[0].replace(minute=0, second=0, microsecond=0)
    stream = [Mention("x", str(i), "", t, query_ids=[1]) for i, t in enumerate(times)]
    fired = [(t - t0).total_seconds() / 3600 - onset for t in rising(stream)]
    assert [f for f in fired if f < -1.0] == []  # nothing before the event
    assert fired and fired[0] <= 1.0, fired
