"""Sentiment shift: the share of negative mentions of a query jumps."""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from socialhub.analytics.detectors.burst import ThreadCap, thread_of, ts
from socialhub.analytics.params import Parametrised
from socialhub.models import Mention, as_utc
from socialhub.records.signals import Signal

NEGATIVE = frozenset({"negative", "neg", "negatif", "négatif"})


@dataclass(slots=True)
class _Key:
    buckets: deque[list[int]] = field(default_factory=deque)  # [index, negative, total]
    neg: int = 0  # in the window
    total: int = 0
    base_neg: float = 0.0  # exponentially discounted counts before the window
    base_total: float = 0.0
    alert_since: float | None = None
    last_loud: float = 0.0
    trend: str = ""
    ids: deque[str] = field(default_factory=lambda: deque(maxlen=20))
    first_ids: list[str] = field(default_factory=list)
    threads: ThreadCap | None = None


def two_proportion_z(x1: float, n1: float, x0: float, n0: float) -> float:
    """Pooled two-proportion z statistic of x1/n1 against x0/n0 (one-sided, larger)."""
    if n1 <= 0 or n0 <= 0:
        return 0.0
    p = (x1 + x0) / (n1 + n0)
    var = p * (1.0 - p) * (1.0 / n1 + 1.0 / n0)
    if var <= 0:
        return 0.0
    return (x1 / n1 - x0 / n0) / math.sqrt(var)


class SentimentShiftDetector(Parametrised):
    """Share of negative mentions in a sliding window against its own baseline.

    Per query, the window (30 minutes by default, one-minute steps) is compared with
    the exponentially discounted counts of everything before it (buckets join the
    baseline only once they have left the window, and not while an alert is open)
    by the pooled two-proportion z-test (e.g. Agresti, *Categorical Data Analysis*,
    3rd ed., 2013, §3.1; Newcombe, *Statistics in Medicine* 17, 1998, on its
    behaviour at small counts — hence the minimum counts). The baseline's effective
    size is capped so a year of history does not make 2 points of drift "significant".

    Like the volume detector, a root post's replies, reposts and quotes beyond
    ``per_thread`` per window are not counted: a popular post's reposts carry its
    sentiment, and counted one by one they would make one voice look like a shift.

    Parameters
    ----------
    window, step
        Window length and resolution, seconds.
    z
        One-sided z threshold.
    min_count, min_negative
        The window needs this many mentions and this many negative ones.
    min_delta
        Minimum rise of the negative share (absolute, 0.2 = 20 points).
    per_thread
        Replies, reposts and quotes of one root post counted per window (0: all).
    half_life, max_baseline, min_baseline
        Baseline forgetting (seconds), effective-size cap and minimum before testing.

    Examples
    --------
    >>> from datetime import UTC, datetime, timedelta
    >>> from socialhub.models import Mention
    >>> det = SentimentShiftDetector()
    >>> t0 = datetime(2026, 3, 2, tzinfo=UTC)
    >>> def post(i, sec, label):
    ...     return Mention("x", str(i), "avis", t0 + timedelta(seconds=sec), query_ids=[4],
    ...                    sentiment_label=label)
    >>> calm = [post(i, 20 * i, "negative" if i % 5 == 0 else "neutral") for i in range(540)]
    >>> sum(len(det.update(m)) for m in calm)  # 20% negative for three hours
    0
    >>> angry = [post(900 + i, 10800 + 20 * i, "negative" if i % 5 else "neutral")
    ...          for i in range(90)]  # then 80% negative
    >>> fired = [s for m in angry for s in det.update(m)]
    >>> fired[0].key, fired[0].t < t0 + timedelta(seconds=10800 + 1200)
    ('sentiment:query:4', True)
    """

    name = "sentiment_shift"
    version = "2"  # 2: replies and reposts of one post capped per thread

    def __init__(
        self,
        *,
        window: float = 1800.0,
        step: float = 60.0,
        z: float = 5.0,
        min_count: int = 20,
        min_negative: int = 10,
        min_delta: float = 0.2,
        half_life: float = 6 * 3600.0,
        max_baseline: float = 2000.0,
        min_baseline: float = 50.0,
        quiet: float = 1800.0,
        per_thread: int = 2,
        workspaces: Mapping[int, int] | None = None,
        labels: Mapping[str, str] | None = None,
    ) -> None:
        self.window, self.step, self.z = float(window), float(step), float(z)
        self.min_count, self.min_negative = int(min_count), int(min_negative)
        self.min_delta = float(min_delta)
        self.decay = 0.5 ** (self.step / float(half_life))
        self.max_baseline, self.min_baseline = float(max_baseline), float(min_baseline)
        self.quiet = float(quiet)
        self.per_thread = int(per_thread)
        self.workspaces = {int(k): int(v) for k, v in (workspaces or {}).items()}
        self.labels = dict(labels or {})
        self.keys: dict[int, _Key] = {}
        self.clock = 0.0
        self.params = {
            "window": self.window,
            "z": self.z,
            "min_count": self.min_count,
            "min_negative": self.min_negative,
            "min_delta": self.min_delta,
            "half_life": half_life,
        }

    def __setstate__(self, state: dict[str, Any]) -> None:
        """Checkpoints written before version 2 lack the thread cap: fill it in."""
        self.__dict__.update(state)
        if not hasattr(self, "per_thread"):
            self.per_thread = 2
        for st in self.keys.values():
            if not hasattr(st, "threads"):
                st.threads = None

    def update(self, mention: Mention) -> list[Signal]:
        t = max(as_utc(mention.created_at).timestamp(), self.clock)
        self.clock = t
        label = (mention.sentiment_label or "").lower()
        if not label or not mention.query_ids:
            return []
        negative = label in NEGATIVE
        thread = thread_of(mention)
        out = []
        for q in mention.query_ids:
            st = self.keys.setdefault(q, _Key())
            if thread is not None and self.per_thread > 0:
                cap = st.threads
                if cap is None:
                    cap = st.threads = ThreadCap(self.per_thread, self.window)
                if not cap.admit(t, thread):
                    continue  # one post's reposts share its sentiment: one voice
            self._roll(st, t)
            st.buckets[-1][1] += negative
            st.buckets[-1][2] += 1
            st.neg += negative
            st.total += 1
            if negative:
                st.ids.append(mention.id)
                if st.alert_since is not None and len(st.first_ids) < 20:
                    st.first_ids.append(mention.id)
            if st.alert_since is None:
                z = self._z(st)
                if z is not None:
                    st.alert_since = st.last_loud = t
                    st.first_ids = list(st.ids)
                    out.append(self._signal(q, st, t, z, "rising"))
        return out

    def advance(self, now: datetime) -> list[Signal]:
        t = max(as_utc(now).timestamp(), self.clock)
        self.clock = t
        out = []
        for q, st in self.keys.items():
            if st.alert_since is None:
                continue
            self._roll(st, t)
            z = two_proportion_z(st.neg, st.total, st.base_neg, st.base_total)
            if z >= self.z / 2:
                st.last_loud = t
            elif st.trend != "falling back":
                out.append(self._signal(q, st, t, z, "falling back"))
            elif t - st.last_loud >= self.quiet:
                st.alert_since, st.trend = None, ""
        return out

    def _roll(self, st: _Key, t: float) -> None:
        idx = int(t // self.step)
        if st.buckets and st.buckets[-1][0] == idx:
            return
        st.buckets.append([idx, 0, 0])
        keep = int(self.window // self.step)
        while st.buckets and st.buckets[0][0] <= idx - keep:
            _, neg, total = st.buckets.popleft()
            st.neg -= neg
            st.total -= total
            if st.alert_since is None:
                # discount once per step elapsed since the previous departure
                st.base_neg = st.base_neg * self.decay + neg
                st.base_total = st.base_total * self.decay + total
                if st.base_total > self.max_baseline:
                    shrink = self.max_baseline / st.base_total
                    st.base_neg *= shrink
                    st.base_total *= shrink

    def _z(self, st: _Key) -> float | None:
        if st.total < self.min_count or st.neg < self.min_negative:
            return None
        if st.base_total < self.min_baseline:
            return None
        p1, p0 = st.neg / st.total, st.base_neg / st.base_total
        if p1 - p0 < self.min_delta:
            return None
        z = two_proportion_z(st.neg, st.total, st.base_neg, st.base_total)
        return z if z >= self.z else None

    def _signal(self, q: int, st: _Key, t: float, z: float, trend: str) -> Signal:
        st.trend = trend
        p1 = st.neg / st.total if st.total else 0.0
        p0 = st.base_neg / st.base_total if st.base_total else 0.0
        key = f"query:{q}"
        label = self.labels.get(key, key)
        points = 100 * (p1 - p0)
        sev = int(min(10, max(1, round(1 + points / 8 + math.log10(max(st.neg, 1)) - 1))))
        return Signal(
            detector=self.name,
            version=self.version,
            key=f"sentiment:{key}",
            t=ts(t),
            severity=sev,
            observed=round(p1, 4),
            baseline=round(p0, 4),
            threshold=round(p0 + self.min_delta, 4),
            score=round(z, 3),
            title=(
                f"{label}: {100 * p1:.0f}% negative over {self.window / 60:g} min "
                f"(usually {100 * p0:.0f}%, {st.neg}/{st.total} posts)"
            ),
            workspace_id=self.workspaces.get(q),
            query_id=q,
            trend=trend,
            params=dict(self.params),
            evidence=list(st.first_ids),
            extra={"negative": st.neg, "total": st.total, "baseline_n": st.base_total},
        )
