"""The burst core's speed-ups (issue 18: thresholds gated by cheap lower bounds, an
alert's ticks computing the exact threshold only for the verdict they report) give the
same volume signals as the code before them, kept here as a reference: exact
thresholds at every step, every window's threshold at every tick.

Seeded streams: the simulator's (shared, enriched, routed) and synthetic bursts at 1, 3
and 10 posts a minute over a day-cycled background, compared field by field."""

from __future__ import annotations

from datetime import timedelta

import pytest

from socialhub.analytics.detectors.burst import BurstCore, KeyState, Verdict, severity
from socialhub.analytics.detectors.volume import VolumeDetector
from socialhub.models import Mention

from .sim_stream import stream
from .streams import T0, background, burst, merge


class _Before(BurstCore):
    """``check`` and ``follow`` as they were: exact thresholds every step and tick."""

    def check(self, st: KeyState, t: float) -> Verdict | None:
        p = self.p
        sums = st.counts.sums
        floor = min(p.min_count, p.small_min) if p.tail > 0.0 else p.min_count
        if sums[-1] < floor:
            return None
        since = st.first_t if p.warmup_per_key or self.first_t is None else self.first_t
        if t - since < p.warmup or (p.warmup_per_key and st.baseline.buckets_seen < 5):
            return None
        if p.cusum_tail > 0.0:  # the slow-ramp rule (third round) is no speed-up: as is
            slow = self.cusum(st, t)
            if slow is not None:
                return slow
        step = int(t // p.step)
        if step != st.need_step:
            st.need, st.need_step = self.needs(st, t), step
        if all(sums[i] < st.need[i] for i in range(len(sums))):
            return None
        best: Verdict | None = None
        for i, v in enumerate(self.verdicts(st, t)):
            if v.cold and v.observed >= v.threshold and not self.jumped(st, v):
                v = self._verdict(st, i, t, st.baseline.level, False)
            if v.observed >= v.threshold and (best is None or v.z > best.z):
                best = v
        return best

    def follow(self, key: str, t: float) -> tuple[str, Verdict] | None:
        st = self.keys[key]
        if st.alert_since is None:
            return None
        self.roll(st, t)
        vs = self.verdicts(st, t)
        if any(v.z >= self.p.z / 2 for v in vs):
            st.last_loud = t
        elif t - st.last_loud >= self.p.quiet:
            st.alert_since, st.trend, st.peak, st.last_severity = None, "", 0.0, 0
            self._open.discard(key)
            self._alerting = None
            return None
        best = max(vs, key=lambda v: v.z)
        # the trend word is no speed-up: decided by the same rule
        due = self.trend(st, t, severity(best.observed / best.expected, best.observed))
        return None if due is None else (due, best)


def _signals(mentions: list[Mention], before: bool, **kwargs: object) -> list[tuple[object, ...]]:
    det = VolumeDetector(**kwargs)  # type: ignore[arg-type]
    if before:
        det.core = _Before(det.params)
    out = []
    for i, m in enumerate(mentions):
        out += det.update(m)
        if i % 20 == 0:  # the detector service advances every tick
            out += det.advance(m.created_at)
    out += det.advance(mentions[-1].created_at + timedelta(hours=2))
    return [
        (s.key, s.t, s.trend, s.severity, s.observed, s.baseline, s.threshold, s.score, s.title,
         tuple(s.evidence))
        for s in out
    ]  # fmt: skip


@pytest.mark.slow
def test_simulator_same_volume_signals() -> None:
    mentions, meta = stream(42)
    before = _signals(mentions, True, workspaces=meta["workspaces"])
    assert len(before) >= 3
    assert _signals(mentions, False, workspaces=meta["workspaces"]) == before


@pytest.mark.parametrize("rate", [1.0, 3.0, 10.0])
def test_bursts_same_volume_signals(rate: float) -> None:
    bg = background(7, per_minute=rate, duration=timedelta(days=2), query_ids=(1, 2))
    wave = burst(7, start=T0 + timedelta(days=1, hours=14), per_minute=5 * rate, minutes=40)
    mentions = merge(bg, wave)
    before = _signals(mentions, True)
    assert any(s[2] == "rising" for s in before)
    assert _signals(mentions, False) == before
