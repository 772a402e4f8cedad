"""Volume anomalies per query and per workspace."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from socialhub.analytics.detectors.burst import BurstCore, BurstParams, Verdict, thread_of, ts
from socialhub.analytics.params import Parametrised
from socialhub.models import Mention, as_utc
from socialhub.records.signals import Signal


class VolumeDetector(Parametrised):
    """Mention volume far above a seasonal, spike-robust baseline.

    Per query (``query:<id>``) and per workspace (``workspace:<id>``), one-minute counts
    feed a multiplicative Holt-Winters baseline (level × hour-of-day × day-of-week
    factors; Winters 1960) made robust the way of Gelper, Fried & Croux, "Robust
    forecasting with exponential and Holt-Winters smoothing", *Journal of Forecasting*
    29(3), 2010: observations are winsorised before they update it and nothing is
    learnt while an alert is open. Counts over sliding windows (1, 5 and 30 minutes)
    are tested against it on every post:

        z = (observed − expected) / sqrt(D · expected)

    where ``D`` ≥ 1 is the smoothed dispersion index of that window (social streams
    are over-dispersed Poisson: replies arrive in clusters). A window fires when
    ``z ≥ z``, ``observed ≥ min_count`` (three posts at 4 a.m. page nobody) and
    ``observed ≥ min_ratio × expected``. One burst gives one ``rising`` signal, then
    ``still rising``, ``peaking`` and ``falling back`` updates that follow the 5-minute
    count itself, with exact tests of counts so noise does not flip them
    (``burst_trend.py``).

    Parameters
    ----------
    z, min_count, min_ratio
        The three thresholds above.
    windows
        Sliding window lengths in seconds, shortest first.
    warmup
        Seconds of history a key needs before it may fire.
    tail, small_min
        The exact small-count rule (see ``smallcounts.py``) and its floor.
    shrink, lag_below, pool
        Sparse keys (issue 18): the daily profile shrunk towards flat by ``shrink``
        posts an hour; windows expecting fewer than ``lag_below`` posts compared with
        the level before they began, scaled by the rise of the other ``pool`` keys
        (``query:``) over the window (see docs/detectors.md, "Small counts").
    cold_tail, cold_rise
        A cold key no pool vouches for (a lone query on its first day) compares its
        windows with the level before them too, but fires only when the window also
        rose more than ``cold_rise``-fold against the window just before it, beyond
        the exact tail ``cold_tail`` (conditional binomial test of two Poisson
        counts): an onset, not a morning ramp (0: such keys never lag).
    cusum_tail, cusum_rise, cusum_memory
        Slow ramps (keys with a learnt daily profile): a Poisson CUSUM (Lucas,
        "Counted data CUSUM's", *Technometrics* 27(2), 1985) of the one-minute counts
        for a ``cusum_rise``-fold rise over a slow level (half-life ``cusum_memory``
        seconds) times the daily profile; it fires when the log-likelihood ratio
        (divided by the hour window's dispersion index) reaches ``log(1/cusum_tail)``:
        moderate excesses over hours add up where no window is significant (0: off).
    per_workspace, total
        Also count per workspace (needs ``workspaces``) and over every routed mention.
    workspaces
        ``{query_id: workspace_id}``.
    labels
        ``{key: human name}`` for titles, e.g. ``{"query:3": "Pannes"}``.

    Examples
    --------
    >>> from datetime import UTC, datetime, timedelta
    >>> from socialhub.models import Mention
    >>> det = VolumeDetector(min_count=5)
    >>> t0 = datetime(2026, 3, 2, tzinfo=UTC)
    >>> def post(i, sec):
    ...     return Mention("x", str(i), "panne", t0 + timedelta(seconds=sec), query_ids=[7])
    >>> quiet = [post(i, 60 * i) for i in range(120)]  # one a minute for two hours
    >>> sum(len(det.update(m)) for m in quiet)
    0
    >>> burst = [post(1000 + i, 7200 + 2 * i) for i in range(30)]  # thirty a minute
    >>> fired = [s for m in burst for s in det.update(m)]
    >>> fired[0].key, fired[0].trend, fired[0].t - t0 <= timedelta(seconds=7220)
    ('query:7', 'rising', True)
    """

    name = "volume"
    version = "2"  # 2: replies and reposts of one post capped per thread

    def __init__(
        self,
        *,
        z: float = 6.0,
        min_count: int = 15,
        min_ratio: float = 3.0,
        windows: tuple[float, ...] | list[float] = (60.0, 300.0, 1800.0, 3600.0),
        warmup: float = 3600.0,
        per_thread: int = 2,
        tail: float = 1e-8,
        small_min: int = 12,
        lag_below: float = 30.0,
        shrink: float = 30.0,
        pool: str = "query:",
        cold_tail: float = 1e-3,
        cold_rise: float = 2.0,
        cusum_tail: float = 1e-8,
        cusum_rise: float = 3.0,
        cusum_memory: float = 86400.0,
        per_workspace: bool = True,
        total: bool = False,
        workspaces: Mapping[int, int] | None = None,
        labels: Mapping[str, str] | None = None,
    ) -> None:
        self.params = BurstParams(
            z=float(z),
            min_count=int(min_count),
            min_ratio=float(min_ratio),
            windows=tuple(sorted(float(w) for w in windows)),
            warmup=float(warmup),
            per_thread=int(per_thread),
            tail=float(tail),
            small_min=int(small_min),
            lag_below=float(lag_below),
            shrink=float(shrink),
            pool=str(pool),
            cold_tail=float(cold_tail),
            cold_rise=float(cold_rise),
            cusum_tail=float(cusum_tail),
            cusum_rise=float(cusum_rise),
            cusum_memory=float(cusum_memory),
        )
        self.core = BurstCore(self.params)
        self.per_workspace = per_workspace
        self.total = total
        self.workspaces = {int(k): int(v) for k, v in (workspaces or {}).items()}
        self.labels = dict(labels or {})
        self.clock = 0.0

    def keys(self, mention: Mention) -> list[str]:
        keys = [f"query:{q}" for q in mention.query_ids]
        if self.per_workspace and self.workspaces:
            spaces = {self.workspaces[q] for q in mention.query_ids if q in self.workspaces}
            keys += [f"workspace:{w}" for w in sorted(spaces)]
        if self.total and mention.query_ids:
            keys.append("all")
        return keys

    def update(self, mention: Mention) -> list[Signal]:
        t = max(as_utc(mention.created_at).timestamp(), self.clock)
        self.clock = t
        out = []
        thread, mid = thread_of(mention), mention.id
        for key in self.keys(mention):
            verdict = self.core.add(key, t, mid, thread)
            if verdict is not None:
                out.append(self._signal(key, t, "rising", verdict))
        return out

    def advance(self, now: datetime) -> list[Signal]:
        t = max(as_utc(now).timestamp(), self.clock)
        self.clock = t
        out = []
        for key in self.core.alerting():
            due = self.core.follow(key, t)
            if due is not None:
                out.append(self._signal(key, t, due[0], due[1]))
        return out

    def _signal(self, key: str, t: float, trend: str, v: Verdict) -> Signal:
        sev = self.core.mark(key, t, trend, v)
        kind, _, ident = key.partition(":")
        query_id = int(ident) if kind == "query" else None
        workspace_id = (
            int(ident)
            if kind == "workspace"
            else self.workspaces.get(query_id)
            if query_id is not None
            else None
        )
        label = self.labels.get(key, key)
        ratio = v.observed / v.expected
        minutes = v.window / 60
        return Signal(
            detector=self.name,
            version=self.version,
            key=key,
            t=ts(t),
            severity=sev,
            observed=v.observed,
            baseline=round(v.expected, 3),
            threshold=round(v.threshold, 3),
            score=round(v.z, 3),
            title=(
                f"{label}: {int(v.observed)} mentions in {minutes:g} min, "
                f"{ratio:.1f}× the usual {v.expected:.1f} ({trend})"
            ),
            workspace_id=workspace_id,
            query_id=query_id,
            trend=trend,
            params=self.params.to_dict(),
            evidence=self.core.evidence(key),
            extra={"window_seconds": v.window, "ratio": round(ratio, 3)},
        )

    def state_size(self) -> dict[str, Any]:
        return {"keys": len(self.core.keys)}
