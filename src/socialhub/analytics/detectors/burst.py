"""The keyed burst core behind the volume and complaint detectors.

Per key (``query:12``, ``complaint:network_outage:lyon``...): a :class:`SeasonalBaseline`
of one-minute counts, sliding counts over a few windows (1, 5 and 30 minutes by
default), a dispersion index per window, and a small alert state machine that turns
one burst into one ``rising`` signal followed by ``still rising`` / ``peaking`` /
``falling back`` updates instead of a signal per post. Its data (parameters, a key's
state, verdicts, the thread cap) live in ``burst_state.py`` and are re-exported here;
the trend words, from the rate itself, in ``burst_trend.py``.
"""

from __future__ import annotations

import math
from collections import deque
from datetime import UTC, datetime
from typing import Any

from socialhub.analytics.detectors import cusum
from socialhub.analytics.detectors.burst_state import (
    BurstParams,
    KeyState,
    ThreadCap,
    Verdict,
    thread_of,
)
from socialhub.analytics.detectors.burst_trend import trend_word
from socialhub.analytics.detectors.series import SeasonalBaseline, SlidingCounts, severity
from socialhub.analytics.detectors.smallcounts import binomial_sf, upper_threshold

__all__ = [
    "BurstCore",
    "BurstParams",
    "KeyState",
    "ThreadCap",
    "Verdict",
    "severity",
    "thread_of",
    "ts",
]


class BurstCore:
    """Keyed counts → burst signals. Used by composition; it owns no detector name."""

    def __init__(self, params: BurstParams) -> None:
        self.p = params
        self.keys: dict[str, KeyState] = {}
        self.first_t: float | None = None
        self._index()

    def _index(self) -> None:
        """Derived, not pickled: each key's creation rank (``keys`` is never pruned, so
        its order) and the keys whose alert opened. :meth:`alerting` runs on every post
        of the complaint detector: scanning every key made a three-day stream's
        detector set 2-3× slower than its first hours (issue 18)."""
        self._rank = {k: i for i, k in enumerate(self.keys)}
        self._open = {k for k, st in self.keys.items() if st.alert_since is not None}
        self._alerting: list[str] | None = None  # alerting()'s answer until an alert opens or ends

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        state.pop("_rank", None)
        state.pop("_open", None)
        state.pop("_alerting", None)
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        """Checkpoints written before version 2 lack the thread cap: fill it in."""
        self.__dict__.update(state)
        self._index()
        for name, value in (
            ("per_thread", 2),
            ("thread_window", 3600.0),
            ("tail", 0.0),
            ("small_min", 8),
            ("lag_below", 0.0),
            ("lag_cold", True),
            ("shrink", 0.0),
            ("pool", ""),
            ("cold_tail", 0.0),
            ("cold_rise", 2.0),
            ("cusum_tail", 0.0),
            ("cusum_rise", 3.0),
            ("cusum_memory", 86400.0),
        ):
            if not hasattr(self.p, name):
                setattr(self.p, name, value)
        for st in self.keys.values():
            if not hasattr(st, "threads"):
                st.threads = None
            if not hasattr(st, "next_roll"):
                st.next_roll = 0.0
            if not hasattr(st, "need_exact"):
                st.need_exact = False
            if not hasattr(st, "levels"):
                st.levels, st.slow = deque(), 0.0
            if not hasattr(st, "counts_log"):
                st.counts_log = deque(maxlen=2 * (st.levels.maxlen or 0))
            if not hasattr(st, "cusum"):
                st.cusum, st.cusum_ref = 0.0, 0.0
            if not hasattr(st, "told_rate"):
                st.told_rate = st.peak
            if not hasattr(st.baseline, "shrink"):
                st.baseline.shrink = 0.0

    # ---- feeding ---------------------------------------------------------------------
    POOL = "\x00pool"  # the pooled keys' sum, kept as one more (never firing) key

    def state(self, key: str, t: float) -> KeyState:
        st = self.keys.get(key)
        if self.first_t is None:
            self.first_t = t
        if st is None:
            p = self.p
            st = KeyState(
                counts=SlidingCounts(p.step, p.windows),
                baseline=SeasonalBaseline(
                    bucket=p.bucket, running_start=p.warmup_per_key, shrink=p.shrink
                ),
                dispersion=[2.0] * len(p.windows),
                first_t=t,
                recent=deque(maxlen=p.evidence),
            )
            st.counts.roll(t)
            st.bucket_idx = int(t // p.bucket)
            st.levels = deque(maxlen=int(max(p.windows) // p.bucket) + 2)
            st.counts_log = deque(maxlen=2 * (int(max(p.windows) // p.bucket) + 2))
            self._rank[key] = len(self.keys)
            self.keys[key] = st
        return st

    def add(self, key: str, t: float, mention_id: str, thread: str | None = None) -> Verdict | None:
        """Count one post; returns the firing verdict when the key starts an alert.

        ``thread`` (see :func:`thread_of`): past ``per_thread`` replies, reposts and
        quotes of one root within ``thread_window``, a post is not counted (nor learnt
        by the baseline): the key counts conversations, and one post's replies and
        reposts are that post's engagement."""
        st = self.keys.get(key)
        if st is None:
            st = self.state(key, t)
        if thread is not None and self.p.per_thread > 0:
            cap = st.threads
            if cap is None:
                cap = st.threads = ThreadCap(self.p.per_thread, self.p.thread_window)
            if not cap.admit(t, thread):
                return None
        if t >= st.next_roll:
            self.roll(st, t)
        st.counts.add(1)
        st.bucket_count += 1
        st.recent.append((t, mention_id))
        if self.p.pool and key.startswith(self.p.pool):
            pool = self.keys.get(self.POOL) or self.state(self.POOL, t)
            if t >= pool.next_roll:
                self.roll(pool, t)
            pool.counts.add(1)
            pool.bucket_count += 1
        if st.alert_since is not None:
            if len(st.first_ids) < self.p.evidence:
                st.first_ids.append(mention_id)
            return None
        verdict = self.check(st, t)
        if verdict is not None:
            st.alert_since = t
            st.last_loud = t
            self._open.add(key)
            self._alerting = None
            st.first_ids = [mid for ts, mid in st.recent if ts >= t - verdict.window]
        return verdict

    def roll(self, st: KeyState, t: float) -> None:
        """Close the buckets between the key's last time and ``t``."""
        if t < st.next_roll:  # same step as the last call: nothing to close or slide
            return
        idx = int(t // self.p.bucket)
        # long silences: a few days of empty buckets is enough to forget the rate
        st.bucket_idx = max(st.bucket_idx, idx - 3 * 1440)
        # once the windows have emptied, the rest of a silence is learnt in one step
        horizon = int(max(self.p.windows) // self.p.bucket) + 1
        counts = st.counts
        while st.bucket_idx < idx:
            start = st.bucket_idx * self.p.bucket
            empty = idx - st.bucket_idx
            if empty > horizon and st.bucket_count == 0 and st.alert_since is None:
                # the windows as they were at the end of the previous bucket (counts
                # are rolled lazily: only when read, the result is the same)
                counts.roll(start - 1e-6)
                if not any(counts.sums):
                    st.baseline.skip_empty(start, empty)
                    st.bucket_idx = idx
                    # the silence outlasted every window: each began at this level
                    st.slow *= (1.0 - st.baseline.alpha) ** empty
                    st.levels.extend([st.slow] * (st.levels.maxlen or 0))
                    st.counts_log.extend([0] * min(empty, st.counts_log.maxlen or 0))
                    # a silence ends any excursion; the slow level learns it as zeros
                    st.cusum = 0.0
                    st.cusum_ref *= 0.5 ** (empty * self.p.bucket / self.p.cusum_memory)
                    break
            self._learn(st, start, st.bucket_count)
            st.bucket_idx += 1
            st.bucket_count = 0
        st.counts.roll(t)
        p = self.p
        st.next_roll = min((t // p.step + 1) * p.step, (idx + 1) * p.bucket)

    def _learn(self, st: KeyState, start: float, count: int) -> None:
        st.counts_log.append(count)  # raw, before any winsorising
        b = st.baseline
        alerting = st.alert_since is not None and start - st.alert_since < self.p.max_alert
        if not alerting and b.buckets_seen >= 5 and b.buckets_seen % 5 == 0:
            # dispersion per window, from the windows ending with this bucket; sampled
            # every fifth bucket (with five times the weight): it is a slow average
            end = start + self.p.bucket
            st.counts.roll(end - 1e-6)
            f_end = b.factor(end)
            a = max(0.05, 5.0 / b.buckets_seen)
            for i, w in enumerate(self.p.windows):
                f = (f_end + b.factor(end - w)) / 2.0
                exp = max(b.level * f * w / self.p.bucket, 0.5)
                resid = min((st.counts.sums[i] - exp) ** 2 / exp, 25.0)
                st.dispersion[i] = max(1.0, st.dispersion[i] + a * (resid - st.dispersion[i]))
        raw = count
        # the daily profile at the bucket, read once (the lagged level and the CUSUM)
        f = b.factor(start) if self.p.lag_below > 0.0 or self.p.cusum_tail > 0.0 else 1.0
        # spikes must not become the baseline: nothing is learnt while alerting
        if not alerting and self.p.lag_below > 0.0:
            if b.buckets_seen >= 5:  # winsorised as the baseline does
                exp = b.level * f
                count = min(count, int(exp + b.clip * math.sqrt(st.dispersion[0] * max(exp, 1.0))))
            a = max(b.alpha, 1.0 / (b.buckets_seen + 1))
            st.slow += a * (count / f - st.slow)
        if self.p.cusum_tail > 0.0:
            cusum.step(self.p, st, raw, f, alerting)
        b.update(start, float(count), st.dispersion[0], learn=not alerting)
        st.levels.append(st.slow)

    def cusum(self, st: KeyState, t: float) -> Verdict | None:
        """The slow-ramp CUSUM's verdict at ``t`` (``cusum.py``), when it fires."""
        return cusum.verdict(self.p, st, t)

    # ---- testing ---------------------------------------------------------------------
    def check(self, st: KeyState, t: float) -> Verdict | None:
        p = self.p
        sums = st.counts.sums
        floor = min(p.min_count, p.small_min) if p.tail > 0.0 else p.min_count
        if sums[-1] < floor:  # the longest window holds the most: cheapest first
            return None
        since = st.first_t if p.warmup_per_key or self.first_t is None else self.first_t
        if t - since < p.warmup:
            return None
        if p.warmup_per_key and st.baseline.buckets_seen < 5:
            return None
        if p.cusum_tail > 0.0:
            slow = self.cusum(st, t)
            if slow is not None:
                return slow
        step = int(t // p.step)
        if step != st.need_step:  # thresholds move with the clock, not with each post
            # lower bounds first: they spare the exact small-count thresholds (most of
            # the cost) whenever every window is under them, i.e. nearly always
            st.need = self.bounds(st, t)
            st.need_step, st.need_exact = step, False
        need = st.need
        if all(sums[i] < need[i] for i in range(len(sums))):
            return None
        if not st.need_exact:
            st.need = need = self.needs(st, t)
            st.need_exact = True
            if all(sums[i] < need[i] for i in range(len(sums))):
                return None
        best: Verdict | None = None
        for i, v in enumerate(self.verdicts(st, t)):
            if v.cold and v.observed >= v.threshold and not self.jumped(st, v):
                # no jump against the window before: the current level decides
                v = self._verdict(st, i, t, st.baseline.level, False)
            if v.observed >= v.threshold and (best is None or v.z > best.z):
                best = v
        return best

    def jumped(self, st: KeyState, v: Verdict) -> bool:
        """A cold lone key's window against the window just before it: at least
        ``min_ratio`` times its posts, and a rise beyond ``cold_rise`` times its rate at
        the exact ``cold_tail`` (conditional test of two Poisson counts over equal
        spans: ``x`` of ``x + y`` is binomial with ``p = ρ / (1 + ρ)`` when the rate
        rose ``ρ``-fold)."""
        k = max(1, int(v.window // self.p.bucket))
        log = st.counts_log
        if len(log) < 2 * k - 1:  # the window before is not all known
            return False
        n = len(log)
        before = sum(log[j] for j in range(n - 2 * k + 1, n - k + 1))
        x = int(v.observed)
        if x < self.p.min_ratio * max(before, 1):
            return False
        rho = self.p.cold_rise
        return binomial_sf(x, x + before, rho / (1.0 + rho)) <= self.p.cold_tail

    def level(self, st: KeyState, i: int, t: float) -> float:
        """The baseline level window ``i`` is compared with: the current one, or (keys
        expecting fewer than ``lag_below`` posts) the one learnt before the window
        began, when lower — times the rise the other pooled keys saw over the window."""
        return self._level(st, i, t)[0]

    def _level(self, st: KeyState, i: int, t: float) -> tuple[float, bool]:
        """:meth:`level`, and whether it is a cold lone key's lagged level."""
        b = st.baseline
        level = b.level
        p = self.p
        w = p.windows[i]
        if p.lag_below <= 0.0 or not st.levels or (not p.lag_cold and not b.seasonal):
            return level, False
        k = min(int(w // p.bucket) + 1, len(st.levels))
        lagged = st.levels[-k]
        if lagged * w / p.bucket >= p.lag_below:  # expected before the window: plenty
            return level, False
        pool = self.keys.get(self.POOL) if p.pool else None
        pooled = False
        if pool is not None and pool.levels and pool is not st:
            self.roll(pool, t)
            kp = min(int(w // p.bucket) + 1, len(pool.levels))
            others_exp = (pool.levels[-kp] - lagged) * w / p.bucket
            others = pool.counts.sums[i] - st.counts.sums[i]
            if others_exp >= 3.0:  # too few other posts expected: nothing to compare
                lagged *= max(1.0, others / others_exp)
                pooled = True
        if not b.seasonal and not pooled:
            # a cold key alone: its own first morning would look like news, unless the
            # window also jumped against the one before it (``jumped``)
            if p.cold_tail <= 0.0 or lagged >= level:
                return level, False
            return lagged, True
        return min(level, lagged), False

    def _expected(self, st: KeyState, t: float) -> list[tuple[float, float]]:
        """Each window's expected count at ``t`` and its standard deviation."""
        p, b = self.p, st.baseline
        f_t = b.factor(t)
        out = []
        for i, w in enumerate(p.windows):
            span = min(w, t - st.first_t + 1.0)
            lvl = self.level(st, i, t)
            exp = max(lvl / p.bucket * (f_t + b.factor(t - span)) / 2.0 * span, 0.05)
            out.append((exp, math.sqrt(st.dispersion[i] * (exp if exp > 0.5 else 0.5))))
        return out

    def needs(self, st: KeyState, t: float) -> list[float]:
        """The thresholds of :meth:`verdicts` alone (on the hot path of every post)."""
        return [self._need(st, exp, sd) for exp, sd in self._expected(st, t)]

    def bounds(self, st: KeyState, t: float) -> list[float]:
        """Lower bounds of :meth:`needs`, without the exact small-count tail: the same
        expectation and z rule, with ``small_min`` standing in for the tail's count
        (never above ``max(tail count, small_min)``), so a window under its bound is
        under its threshold."""
        p = self.p
        out = []
        for exp, sd in self._expected(st, t):
            need = max(exp + p.z * sd, float(p.min_count))
            if p.tail > 0.0:
                need = min(need, float(p.small_min))
            out.append(max(need, p.min_ratio * exp))
        return out

    def _need(self, st: KeyState, exp: float, sd: float) -> float:
        """The count a window must reach: the z rule with its floor, or (when ``tail``
        is set) the exact small-count rule with its lower floor; always ``min_ratio``."""
        p = self.p
        need = max(exp + p.z * sd, float(p.min_count))
        if p.tail > 0.0:
            b = st.baseline
            memory = 1.0 / (b.alpha if b.seasonal else b.cold_alpha)
            known = max(b.level * min(float(b.buckets_seen), memory), 1.0)
            small = upper_threshold(exp, exp + exp * exp / known, p.tail)
            need = min(need, float(max(small, p.small_min)))
        return max(need, p.min_ratio * exp)

    def verdicts(self, st: KeyState, t: float, *, thresholds: bool = True) -> list[Verdict]:
        """Every window's verdict; ``thresholds=False`` leaves ``threshold`` at 0 (the
        exact small-count threshold is the costly part; :meth:`follow` needs only the
        one of the verdict it reports, filled in by :meth:`_threshold`)."""
        out = []
        for i in range(len(self.p.windows)):
            lvl, cold = self._level(st, i, t)
            out.append(self._verdict(st, i, t, lvl, cold, thresholds))
        return out

    def _verdict(
        self, st: KeyState, i: int, t: float, lvl: float, cold: bool, threshold: bool = True
    ) -> Verdict:
        p, b = self.p, st.baseline
        w = p.windows[i]
        span = min(w, t - st.first_t + 1.0)  # young keys: only the time seen
        exp = max(lvl * (b.factor(t) + b.factor(t - span)) / 2.0 * span / p.bucket, 0.05)
        sd = math.sqrt(st.dispersion[i] * max(exp, 0.5))
        obs = float(st.counts.window(i))
        need = self._need(st, exp, sd) if threshold else 0.0
        return Verdict(w, obs, exp, (obs - exp) / sd, need, cold)

    def _threshold(self, st: KeyState, i: int, v: Verdict) -> Verdict:
        """``v`` (window ``i``, from ``verdicts(thresholds=False)``) with its threshold,
        computed as :meth:`_verdict` does."""
        v.threshold = self._need(st, v.expected, math.sqrt(st.dispersion[i] * max(v.expected, 0.5)))
        return v

    # ---- the alert's life ------------------------------------------------------------
    def follow(self, key: str, t: float) -> tuple[str, Verdict] | None:
        """While alerting: the trend update due at ``t``, if any; ends quiet alerts."""
        st = self.keys[key]
        if st.alert_since is None:
            return None
        self.roll(st, t)
        # every tick of every alert: thresholds only for the verdict reported
        vs = self.verdicts(st, t, thresholds=False)
        if any(v.z >= self.p.z / 2 for v in vs):
            st.last_loud = t
        elif t - st.last_loud >= self.p.quiet:
            st.alert_since, st.trend, st.peak, st.last_severity = None, "", 0.0, 0
            self._open.discard(key)
            self._alerting = None
            return None
        at = max(range(len(vs)), key=lambda j: vs[j].z)  # the first best, as max(vs)
        best = vs[at]
        sev = severity(best.observed / best.expected, best.observed)
        due = self.trend(st, t, sev)
        return None if due is None else (due, self._threshold(st, at, best))

    def trend(self, st: KeyState, t: float, sev: int) -> str | None:
        """The trend word due at ``t`` (``burst_trend.trend_word``), if any."""
        return trend_word(self.p, st, t, sev)

    def mark(self, key: str, t: float, trend: str, verdict: Verdict) -> int:
        st = self.keys[key]
        sev = severity(verdict.observed / verdict.expected, verdict.observed)
        st.trend, st.last_emit = trend, t
        st.last_severity = max(st.last_severity, sev)
        if trend == "rising":
            st.peak, st.peak_t = 0.0, t  # follow() tracks the peak of the mid window
        # the rate told, per mid window: a short window's count scaled up (a burst
        # caught in its first minute has not filled the 5-minute window yet)
        ws, mid = self.p.windows, min(1, len(self.p.windows) - 1)
        st.told_rate = max(st.counts.window(i) * ws[mid] / ws[i] for i in range(mid + 1))
        return sev

    def elevated(self, key: str, t: float, ratio: float = 2.0) -> bool:
        """Whether ``key``'s longest window still holds ``ratio`` × its expectation (and
        at least 3 posts): an alert on it must not close by itself yet, even if the
        detector has nothing new to say (a plateau is no news, but no recovery either)."""
        st = self.keys.get(key)
        if st is None:
            return False
        self.roll(st, t)
        v = self.verdicts(st, t, thresholds=False)[-1]
        return v.observed >= max(ratio * v.expected, 3.0)

    def alerting(self) -> list[str]:
        """The keys alerting now, in the order the keys were created (a new list)."""
        if self._alerting is None:
            self._alerting = sorted(self._open, key=self._rank.__getitem__)
        return list(self._alerting)

    def evidence(self, key: str) -> list[str]:
        return list(self.keys[key].first_ids)


def ts(t: float) -> datetime:
    return datetime.fromtimestamp(t, UTC)
