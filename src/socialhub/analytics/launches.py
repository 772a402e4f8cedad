"""Competitor launch monitor: did a launch buzz or fizzle?

A launch is a query and a time. Its **curve** is, per bucket from the launch time on,
the mentions matching the query, their reach (sum of the authors' followers) and their
engagement (likes + reposts + replies + quotes), next to the volume *expected* without
the launch and our own brand's volume over the same buckets (built from the store or a
stream by :mod:`socialhub.analytics.launches_library`). From the curve:

* **shape**: peak, time to peak (from the launch to the start of the peak bucket) and
  half-life (from the peak until the excess over the expected volume first falls to
  half the peak's excess, linearly interpolated between buckets; ``None`` when it stays
  above within the window);
* **lifts**: window volume / expected volume, peak / expected at the peak, reach and
  engagement per post against the query's own pre-launch levels;
* **sustain**: the share of buckets after the peak still at ``buzz_factor``× the
  expected volume (a fizzle falls back at once; a buzz holds);
* share of voice against our brand, engagement per post against our brand's;
* a **buzz-or-fizzle score** (0-100, a weighted sum of the log-scaled lifts and the
  sustain, :class:`ScoreParams`), its verdict and its percentile among a library of
  past launches.

The online form, :class:`socialhub.analytics.launch_monitor.LaunchMonitor`, emits
:class:`~socialhub.records.signals.Signal` (detector ``"launch"``) at milestones during
the launch window: peak reached, fizzle confirmed, buzz above the library's 80th
percentile.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

from socialhub.models import as_utc

EXPECTED_FLOOR = 0.1  # mentions per bucket: a brand-new name has no history, lifts stay finite


@dataclass(slots=True)
class Curve:
    """Per-bucket series of one launch; bucket ``i`` is ``[start + i·b, start + (i+1)·b)``."""

    start: datetime
    bucket_s: int
    mentions: list[float]
    reach: list[float]
    engagement: list[float]
    expected: list[float]  # mentions per bucket expected without the launch
    base_reach: float | None = None  # mean followers per mention before the launch
    base_engagement: float | None = None  # mean engagement per mention before the launch
    brand: list[float] = field(default_factory=list)  # our brand's mentions per bucket
    brand_engagement: list[float] = field(default_factory=list)
    reference: dict[str, Any] = field(default_factory=dict)  # how ``expected`` was measured

    def __len__(self) -> int:
        return len(self.mentions)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["start"] = self.start.isoformat()
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Curve:
        values = dict(data)
        values["start"] = as_utc(datetime.fromisoformat(values["start"]))
        return cls(**values)

    def head(self, n: int) -> Curve:
        """The first ``n`` buckets (what an online monitor has seen so far)."""
        return Curve(
            self.start,
            self.bucket_s,
            self.mentions[:n],
            self.reach[:n],
            self.engagement[:n],
            self.expected[:n],
            self.base_reach,
            self.base_engagement,
            self.brand[:n],
            self.brand_engagement[:n],
            dict(self.reference),
        )


@dataclass(slots=True)
class Shape:
    peak: float
    peak_index: int
    time_to_peak_s: float
    half_life_s: float | None


def shape(
    counts: Sequence[float], bucket_s: float, expected: Sequence[float] | float = 0.0
) -> Shape:
    """Peak, time to peak and half-life of a curve.

    >>> s = shape([0, 2, 10, 6, 4, 2, 1], 3600)
    >>> s.peak, s.time_to_peak_s, s.half_life_s
    (10, 7200, 5400.0)
    """
    if not counts:
        return Shape(0.0, 0, 0.0, None)
    base = [float(expected)] * len(counts) if isinstance(expected, int | float) else expected
    peak_index = max(range(len(counts)), key=lambda i: (counts[i], -i))  # first maximum
    excess = [c - b for c, b in zip(counts, base, strict=True)]
    half = excess[peak_index] / 2
    half_life: float | None = None
    for j in range(peak_index + 1, len(counts)):
        if excess[j] <= half:
            before = excess[j - 1]
            frac = (before - half) / (before - excess[j]) if before != excess[j] else 0.0
            half_life = (j - 1 + frac - peak_index) * bucket_s
            break
    return Shape(counts[peak_index], peak_index, peak_index * bucket_s, half_life)


@dataclass(frozen=True, slots=True)
class ScoreParams:
    """How the 0-100 score is made: each component is clipped to [0, 1], then weighted.

    ``lift_full``: window/expected volume ratio worth a full component (log-scaled, 1×
    is worth 0); likewise ``peak_full`` for the peak, ``reach_full`` for reach and
    ``engagement_full`` for engagement per post. ``buzz_factor``: a bucket is "still
    buzzing" at this multiple of the expected volume (sustain, and the monitor's fizzle
    threshold). Weights sum to 1.

    Verdict: ``buzz`` from ``buzz_at`` when the launch also held (sustain at least
    ``sustain_min``); ``fizzle`` below ``fizzle_below``, or below ``buzz_at`` without
    holding (a spike that fell straight back: "ça fait pschitt"); ``mixed`` otherwise
    (a weak but lasting launch, or a big spike that did not last).
    """

    lift_full: float = 10.0
    peak_full: float = 30.0
    reach_full: float = 10.0
    engagement_full: float = 4.0
    buzz_factor: float = 2.0
    w_lift: float = 0.30
    w_peak: float = 0.15
    w_reach: float = 0.15
    w_engagement: float = 0.15
    w_sustain: float = 0.25
    buzz_at: float = 50.0
    fizzle_below: float = 30.0
    sustain_min: float = 1 / 3


def _log_part(ratio: float | None, full: float) -> float:
    if ratio is None or ratio <= 1.0:
        return 0.0
    return min(1.0, math.log(ratio) / math.log(full))


def _ratio(a: float, b: float) -> float | None:
    return a / b if b > 0 else None


@dataclass(slots=True)
class LaunchReport:
    """Everything the report shows about one launch (``summary()`` is what is stored)."""

    name: str
    curve: Curve
    shape: Shape
    mentions: float
    expected: float
    reach: float
    engagement: float
    engagement_per_post: float | None
    lift: float
    peak_lift: float
    reach_lift: float | None
    engagement_lift: float | None
    sustain: float
    brand_mentions: float | None
    share_of_voice: float | None
    engagement_vs_brand: float | None
    components: dict[str, float]
    score: float
    verdict: str
    percentile: float | None = None
    library_size: int = 0

    def summary(self) -> dict[str, Any]:
        data = asdict(self)
        data.pop("curve")
        data["start"] = self.curve.start.isoformat()
        data["bucket_s"] = self.curve.bucket_s
        data["buckets"] = len(self.curve)
        data["reference"] = self.curve.reference
        return data


def evaluate(
    name: str,
    curve: Curve,
    library: Iterable[float] = (),
    params: ScoreParams | None = None,
) -> LaunchReport:
    """Score a measured curve; ``library`` holds the scores of past launches."""
    p = params or ScoreParams()
    expected = [max(EXPECTED_FLOOR, e) for e in curve.expected]
    sh = shape(curve.mentions, curve.bucket_s, expected)
    total, total_expected = sum(curve.mentions), sum(expected)
    reach, engagement = sum(curve.reach), sum(curve.engagement)
    lift = total / total_expected if total_expected else 0.0
    peak_lift = sh.peak / expected[sh.peak_index] if curve.mentions else 0.0
    per_post = _ratio(engagement, total)
    reach_lift = _ratio(reach, total_expected * curve.base_reach) if curve.base_reach else None
    engagement_lift = (
        _ratio(per_post, curve.base_engagement)
        if per_post is not None and curve.base_engagement
        else None
    )
    after = range(sh.peak_index + 1, len(curve))
    held = sum(1 for i in after if curve.mentions[i] >= p.buzz_factor * expected[i])
    sustain = held / len(after) if len(after) else (1.0 if total else 0.0)
    components = {
        "lift": _log_part(lift, p.lift_full),
        "peak": _log_part(peak_lift, p.peak_full),
        # no reach before the launch: judge reach by volume alone
        "reach": _log_part(reach_lift if reach_lift is not None else lift, p.reach_full),
        "engagement": _log_part(engagement_lift, p.engagement_full),
        "sustain": sustain,
    }
    weights = {
        "lift": p.w_lift,
        "peak": p.w_peak,
        "reach": p.w_reach,
        "engagement": p.w_engagement,
        "sustain": p.w_sustain,
    }
    score = round(100 * sum(weights[k] * v for k, v in components.items()), 2)
    verdict = _verdict(score, sustain, p)
    brand_total = sum(curve.brand) if curve.brand else None
    sov = _ratio(total, total + brand_total) if brand_total is not None else None
    brand_per_post = _ratio(sum(curve.brand_engagement), brand_total) if brand_total else None
    scores = list(library)
    return LaunchReport(
        name=name,
        curve=curve,
        shape=sh,
        mentions=total,
        expected=round(total_expected, 3),
        reach=reach,
        engagement=engagement,
        engagement_per_post=per_post,
        lift=round(lift, 3),
        peak_lift=round(peak_lift, 3),
        reach_lift=None if reach_lift is None else round(reach_lift, 3),
        engagement_lift=None if engagement_lift is None else round(engagement_lift, 3),
        sustain=round(sustain, 3),
        brand_mentions=brand_total,
        share_of_voice=sov,
        engagement_vs_brand=(
            _ratio(per_post, brand_per_post) if per_post is not None and brand_per_post else None
        ),
        components={k: round(v, 4) for k, v in components.items()},
        score=score,
        verdict=verdict,
        percentile=percentile_rank(score, scores),
        library_size=len(scores),
    )


def _verdict(score: float, sustain: float, p: ScoreParams) -> str:
    held = sustain >= p.sustain_min
    if score >= p.buzz_at and held:
        return "buzz"
    if score < p.fizzle_below or (score < p.buzz_at and not held):
        return "fizzle"
    return "mixed"


def percentile_rank(value: float, scores: Sequence[float]) -> float | None:
    """Mid-rank percentile of ``value`` among ``scores`` (ties count half); None if empty.

    >>> percentile_rank(5, [1, 5, 9, 10])
    37.5
    """
    if not scores:
        return None
    below = sum(1 for s in scores if s < value)
    equal = sum(1 for s in scores if s == value)
    return round(100 * (below + 0.5 * equal) / len(scores), 2)


def quantile(scores: Sequence[float], q: float) -> float | None:
    """Linear-interpolation quantile (``q`` in [0, 1]); None if empty.

    >>> quantile([10, 20, 30, 40, 50], 0.8)
    42.0
    """
    if not scores:
        return None
    ordered = sorted(scores)
    pos = q * (len(ordered) - 1)
    low = math.floor(pos)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (pos - low)
