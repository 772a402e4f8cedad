"""The online launch monitor: milestones of a launch while it happens.

Runs the offline report's method (:mod:`socialhub.analytics.launches`) on the buckets
seen so far and emits :class:`~socialhub.records.signals.Signal` (detector
``"launch"``) when a launch reaches its peak, when its fizzle is confirmed, and when it
buzzes above the library's 80th percentile.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, ClassVar

from socialhub.analytics.launches import Curve, ScoreParams, evaluate, quantile, shape
from socialhub.analytics.params import Parametrised
from socialhub.models import Mention, as_utc
from socialhub.records.signals import Signal


@dataclass(slots=True)
class LaunchWatch:
    """One launch under watch: its query id, time, window and pre-launch levels."""

    name: str
    query_id: int
    at: datetime
    window_s: int = 6 * 3600
    bucket_s: int = 1800
    expected: float = 1.0  # mentions per bucket expected without the launch
    base_reach: float | None = None
    base_engagement: float | None = None
    workspace_id: int | None = None
    # state
    mentions: list[float] = field(default_factory=list)
    reach: list[float] = field(default_factory=list)
    engagement: list[float] = field(default_factory=list)
    evidence: list[str] = field(default_factory=list)  # first mentions of the launch
    closed: int = 0  # buckets whose end the stream clock has passed
    fired: set[str] = field(default_factory=set)
    quiet: int = 0  # consecutive closed buckets below the buzz threshold after the peak

    def __post_init__(self) -> None:
        self.at = as_utc(self.at)
        n = max(1, -(-self.window_s // self.bucket_s))
        for series in (self.mentions, self.reach, self.engagement):
            series.extend([0.0] * (n - len(series)))

    @classmethod
    def from_curve(
        cls, name: str, query_id: int, curve: Curve, workspace_id: int | None = None
    ) -> LaunchWatch:
        """A watch with a measured curve's bucket, window and pre-launch levels (the
        expected volume flattened to its mean: online, the future traffic is unknown)."""
        n = len(curve)
        return cls(
            name,
            query_id,
            curve.start,
            window_s=n * curve.bucket_s,
            bucket_s=curve.bucket_s,
            expected=sum(curve.expected) / n if n else 0.0,
            base_reach=curve.base_reach,
            base_engagement=curve.base_engagement,
            workspace_id=workspace_id,
        )

    def curve(self, n: int) -> Curve:
        return Curve(
            self.at,
            self.bucket_s,
            self.mentions[:n],
            self.reach[:n],
            self.engagement[:n],
            [self.expected] * n,
            self.base_reach,
            self.base_engagement,
        )


class LaunchMonitor(Parametrised):
    """Milestones of launches while they happen, on the stream's own clock.

    A bucket is judged once the stream clock passes its end. **Peak reached**: the
    highest bucket so far is at least ``buzz_factor``× the expected volume and
    ``min_peak`` mentions, and a later bucket fell ``peak_drop`` below it. **Fizzle
    confirmed**: after the peak, ``fizzle_hours`` of consecutive buckets under
    ``buzz_factor``× the expected volume (and no buzz before). **Buzz**: the score of the
    curve so far (:func:`evaluate`, from its second bucket on) is a buzz verdict and
    reaches the library's 80th percentile (``buzz_quantile``; ``buzz_at`` with no
    library). Each milestone fires once per launch.

    The method is the offline report's, run on the buckets seen so far; the shape
    measures follow the usual product-launch diffusion reading (a spike that halves
    within the hour is a fizzle), cf. Crane & Sornette, "Robust dynamic classes
    revealed by measuring the response function of a social system", PNAS 105(41), 2008
    (exogenous bursts that relax fast vs. endogenous, sustained ones).

    Examples
    --------
    >>> from datetime import UTC, datetime, timedelta
    >>> t0 = datetime(2026, 3, 2, 8, tzinfo=UTC)
    >>> mon = LaunchMonitor([LaunchWatch("flex", 7, t0, expected=2.0)], fizzle_hours=1)
    >>> def post(i, minutes):
    ...     return Mention("x", str(i), "Flex", t0 + timedelta(minutes=minutes), query_ids=[7])
    >>> spike = [post(i, 5 + i // 2) for i in range(24)]  # 24 posts in 12 minutes
    >>> tail = [post(100 + i, 40 + 30 * i) for i in range(6)]  # then one per half hour
    >>> fired = [s.extra["milestone"] for m in spike + tail for s in mon.update(m)]
    >>> fired
    ['peak', 'fizzle']
    """

    name = "launch"
    version = "1"

    # the launches followed and the library's scores are data the service re-reads
    # from the store, not parameters: a changed parameter starts a fresh monitor
    _not_params: ClassVar[frozenset[str]] = frozenset({"watches", "library"})

    def __init__(
        self,
        watches: Iterable[LaunchWatch] = (),
        *,
        library: Sequence[float] = (),
        buzz_quantile: float = 0.8,
        min_peak: float = 5.0,
        peak_drop: float = 0.3,
        fizzle_hours: float = 2.0,
        params: ScoreParams | None = None,
    ) -> None:
        self.watches = {w.name: w for w in watches}
        self.library = list(library)
        self.params = params or ScoreParams()
        p80 = quantile(self.library, buzz_quantile)
        self.buzz_threshold = p80 if p80 is not None else self.params.buzz_at
        self.buzz_quantile = buzz_quantile
        self.min_peak = min_peak
        self.peak_drop = peak_drop
        self.fizzle_hours = fizzle_hours
        self.clock: datetime | None = None

    def sync(self, watches: Iterable[LaunchWatch], library: Sequence[float] = ()) -> None:
        """Follow exactly ``watches`` from now on (the live service re-reads the store's
        launches): a launch already followed with the same query, time, window and
        bucket keeps its curve so far; a new one starts empty; one no longer listed is
        dropped. ``library`` (past launches' scores) sets the buzz threshold again."""
        kept: dict[str, LaunchWatch] = {}
        for w in watches:
            old = self.watches.get(w.name)
            same = old is not None and (old.query_id, old.at, old.window_s, old.bucket_s) == (
                w.query_id,
                w.at,
                w.window_s,
                w.bucket_s,
            )
            kept[w.name] = old if same and old is not None else w
        self.watches = kept
        self.library = list(library)
        p80 = quantile(self.library, self.buzz_quantile)
        self.buzz_threshold = p80 if p80 is not None else self.params.buzz_at

    def update(self, mention: Mention) -> list[Signal]:
        t = as_utc(mention.created_at)
        out = self.advance(t)
        for w in self.watches.values():
            if w.query_id not in mention.query_ids:
                continue
            i = int((t - w.at).total_seconds() // w.bucket_s)
            if 0 <= i < len(w.mentions) and (t - w.at).total_seconds() < w.window_s:
                w.mentions[i] += 1
                w.reach[i] += mention.author.followers if mention.author else 0
                w.engagement[i] += mention.engagement.total()
                if len(w.evidence) < 20:
                    w.evidence.append(mention.id)
        return out

    def advance(self, now: datetime) -> list[Signal]:
        now = as_utc(now)
        if self.clock is not None and now < self.clock:
            now = self.clock
        self.clock = now
        out: list[Signal] = []
        for w in self.watches.values():
            done = int((now - w.at).total_seconds() // w.bucket_s)
            while w.closed < min(done, len(w.mentions)):
                w.closed += 1
                out.extend(self._judge(w))
        return out

    def _judge(self, w: LaunchWatch) -> list[Signal]:
        n = w.closed
        counts = w.mentions[:n]
        threshold = self.params.buzz_factor * w.expected
        sh = shape(counts, w.bucket_s, w.expected)
        end = w.at + timedelta(seconds=n * w.bucket_s)
        out = []
        if (
            "peak" not in w.fired
            and sh.peak >= max(self.min_peak, threshold)
            and sh.peak_index < n - 1
            and counts[-1] <= (1 - self.peak_drop) * sh.peak
        ):
            w.fired.add("peak")
            hours = sh.time_to_peak_s / 3600
            out.append(
                self._signal(
                    w,
                    end,
                    "peak",
                    4,
                    sh.peak,
                    w.expected,
                    threshold,
                    sh.peak,
                    "peaking",
                    f"{sh.peak:g} mentions per {w.bucket_s // 60} min, {hours:.1f} h "
                    "after the launch",
                    {"time_to_peak_s": sh.time_to_peak_s},
                )
            )
        if "peak" in w.fired:
            w.quiet = w.quiet + 1 if counts[-1] < threshold else 0
            if (
                "fizzle" not in w.fired
                and "buzz" not in w.fired
                and w.quiet * w.bucket_s >= self.fizzle_hours * 3600
            ):
                w.fired.add("fizzle")
                out.append(
                    self._signal(
                        w,
                        end,
                        "fizzle",
                        3,
                        counts[-1],
                        w.expected,
                        threshold,
                        sh.peak,
                        "falling back",
                        f"fizzle confirmed: {self.fizzle_hours:g} h under "
                        f"{threshold:.1f} mentions per bucket since the peak",
                        {"quiet_buckets": w.quiet},
                    )
                )
        if "buzz" not in w.fired:
            report = evaluate(w.name, w.curve(n), self.library, self.params)
            # judged from the second bucket on, so one opening spike cannot pass for a
            # buzz; the verdict also asks that the launch held (sustain)
            if (
                n >= 2
                and report.verdict == "buzz"
                and report.score >= self.buzz_threshold
                and report.mentions >= self.min_peak
            ):
                w.fired.add("buzz")
                out.append(
                    self._signal(
                        w,
                        end,
                        "buzz",
                        6,
                        report.score,
                        self.buzz_threshold,
                        self.buzz_threshold,
                        report.score,
                        "rising",
                        f"buzz: score {report.score:.0f}, above the library's "
                        f"{100 * self.buzz_quantile:.0f}th percentile",
                        {"percentile": report.percentile, "components": report.components},
                    )
                )
        return out

    def _signal(
        self,
        w: LaunchWatch,
        t: datetime,
        milestone: str,
        severity: int,
        observed: float,
        baseline: float,
        threshold: float,
        score: float,
        trend: str,
        what: str,
        extra: dict[str, Any],
    ) -> Signal:
        return Signal(
            detector=self.name,
            version=self.version,
            key=f"launch:{w.name}",
            t=t,
            severity=severity,
            observed=float(observed),
            baseline=round(float(baseline), 3),
            threshold=round(float(threshold), 3),
            score=round(float(score), 3),
            title=f"Launch {w.name}: {what}",
            workspace_id=w.workspace_id,
            query_id=w.query_id,
            trend=trend,
            params={
                "buzz_factor": self.params.buzz_factor,
                "fizzle_hours": self.fizzle_hours,
                "min_peak": self.min_peak,
                "peak_drop": self.peak_drop,
                "buzz_quantile": self.buzz_quantile,
                "bucket_s": w.bucket_s,
                "window_s": w.window_s,
            },
            evidence=list(w.evidence),
            extra={"milestone": milestone, "launch": w.name, **extra},
        )
