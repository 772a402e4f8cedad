"""The burst core's data: its parameters, a key's state, a window's verdict, the thread cap.

Split from ``burst.py`` (the keyed core: feeding, window tests, the alert's life) so
each stays readable; ``burst`` re-exports every name here, and checkpoints pickled
before the split (which name ``burst.KeyState`` etc.) load unchanged.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from typing import Any

from socialhub.analytics.detectors.series import SeasonalBaseline, SlidingCounts
from socialhub.models import Mention

__all__ = ["BurstParams", "KeyState", "ThreadCap", "Verdict", "thread_of"]


@dataclass(slots=True)
class BurstParams:
    step: float = 10.0  # resolution of the sliding windows, seconds
    bucket: float = 60.0  # the baseline learns one count per bucket
    windows: tuple[float, ...] = (60.0, 300.0, 1800.0)
    z: float = 6.0  # standard deviations above the expectation
    min_count: int = 15  # the floor: fewer posts than this in a window never fire
    min_ratio: float = 3.0  # and at least this many times the expectation
    warmup: float = 3600.0  # seconds of history before a key may fire
    quiet: float = 1200.0  # seconds below z/2 that end an alert
    max_alert: float = 6 * 3600.0  # after this, the baseline learns again (winsorised)
    evidence: int = 20
    # at most this many replies, reposts and quotes of one root post count per
    # ``thread_window`` (the root itself always counts): one popular post is the
    # engagement of one story, not a burst of the topic (0 = no cap)
    per_thread: int = 2
    thread_window: float = 3600.0
    # complaints: a place never seen before that suddenly complains is news, so the
    # warm-up counts from the detector's first post, not the key's
    warmup_per_key: bool = True
    # small counts (sparse streams): a window also fires when its count is beyond the
    # exact ``tail`` quantile of a Poisson whose rate is known from the key's history
    # (Poisson-gamma: the less history, the wider), with a floor of ``small_min`` posts
    # instead of ``min_count`` (0 = off; see smallcounts.py)
    tail: float = 0.0
    small_min: int = 8
    # cold keys (no daily profile yet) expecting fewer than ``lag_below`` posts a
    # window: the window is compared with the level learnt before it began, not with
    # a level that has already absorbed the window's first minutes (0 = off)
    lag_below: float = 0.0
    lag_cold: bool = True  # False: only once the key's daily profile is learnt
    shrink: float = 0.0  # posts an hour: shrinks a sparse key's daily profile towards flat
    # keys starting with this prefix form a pool ("similar queries"): a lagged window is
    # scaled by how much the *other* pooled keys rose over it, so a rise they all share
    # (the first morning of a new set of queries) is not one key's burst ("" = no pool)
    pool: str = ""
    # a cold key with no pool (a lone new query on its first day): its lagged windows
    # may fire only when the window also holds ``min_ratio`` times the posts of the
    # window just before it and, beyond this exact tail, more than ``cold_rise`` times
    # its rate (binomial conditional test of two Poisson counts): an onset jumps within
    # the hour, a morning ramp at most doubles (0 = off: a cold lone key never lags)
    cold_tail: float = 0.0
    cold_rise: float = 2.0
    # slow ramps (keys with a learnt daily profile): a Poisson CUSUM (Lucas 1985) of the
    # one-minute counts against a slow level (half-life ``cusum_memory`` seconds) times
    # the daily profile, for a rise of ``cusum_rise``-fold; it fires when the
    # log-likelihood ratio, divided by the longest window's dispersion index, reaches
    # ``log(1 / cusum_tail)`` (0 = off)
    cusum_tail: float = 0.0
    cusum_rise: float = 3.0
    cusum_memory: float = 86400.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "step": self.step,
            "bucket": self.bucket,
            "windows": list(self.windows),
            "z": self.z,
            "min_count": self.min_count,
            "min_ratio": self.min_ratio,
            "warmup": self.warmup,
            "per_thread": self.per_thread,
            "tail": self.tail,
            "small_min": self.small_min,
            "lag_below": self.lag_below,
            "lag_cold": self.lag_cold,
            "shrink": self.shrink,
            "pool": self.pool,
            "cold_tail": self.cold_tail,
            "cold_rise": self.cold_rise,
            "cusum_tail": self.cusum_tail,
            "cusum_rise": self.cusum_rise,
            "cusum_memory": self.cusum_memory,
        }


@dataclass(slots=True)
class Verdict:
    window: float
    observed: float
    expected: float
    z: float
    threshold: float
    cold: bool = False  # compared with a cold lone key's lagged level (``cold_tail``)


@dataclass(slots=True)
class KeyState:
    counts: SlidingCounts
    baseline: SeasonalBaseline
    dispersion: list[float]
    first_t: float
    bucket_idx: int = -1
    bucket_count: int = 0
    alert_since: float | None = None
    last_loud: float = 0.0  # last time the key was above z/2
    peak: float = 0.0  # best 5-minute-equivalent rate of the alert
    peak_t: float = 0.0
    last_severity: int = 0
    last_emit: float = 0.0
    trend: str = ""
    recent: deque[tuple[float, str]] = field(default_factory=lambda: deque(maxlen=20))
    first_ids: list[str] = field(default_factory=list)  # first posts of the alert
    need: list[float] = field(default_factory=list)  # per-window thresholds of need_step
    need_step: int = -1
    # ``need`` holds the exact thresholds (else lower bounds of them: ``bounds``)
    need_exact: bool = False
    threads: ThreadCap | None = None
    next_roll: float = 0.0  # stream time of the next step: ``roll`` is a no-op before
    # a slow level (running mean while young, then the seasonal baseline's forgetting),
    # one per closed bucket: what a window is compared with when ``lag_below`` applies
    levels: deque[float] = field(default_factory=deque)
    slow: float = 0.0
    # raw counts of the last closed buckets (two longest windows' worth): the window
    # before a window, for cold keys (``cold_tail``)
    counts_log: deque[int] = field(default_factory=deque)
    # the Poisson CUSUM (``cusum_tail``): its statistic at the end of the last closed
    # bucket, and the slow level per bucket (deseasonalised) it compares with (0: not
    # started, i.e. no daily profile yet)
    cusum: float = 0.0
    cusum_ref: float = 0.0
    # the mid window's count when the alert's last signal was sent: "still rising"
    # again needs the rate to have doubled since (``BurstCore.trend``)
    told_rate: float = 0.0


def thread_of(mention: Mention) -> str | None:
    """The root post of the conversation a reply, repost or quote belongs to; ``None``
    for an original post (its own thread)."""
    return mention.root_id or mention.repost_of or mention.quote_of or mention.reply_to


@dataclass(slots=True)
class ThreadCap:
    """At most ``cap`` replies, reposts and quotes of one root post per ``window``.

    A popular post draws replies and reposts in a cluster; counted one by one they look
    like a burst of the topic (over-dispersion is then far beyond the Poisson-type
    models of the detectors). Counting conversations instead — each root post, plus at
    most ``cap`` of its thread per window — keeps one post's engagement from firing a
    topic alert, while a story that many people bring up independently still counts
    in full. ``admit`` says whether a mention counts.
    """

    cap: int
    window: float
    seen: dict[str, list[float]] = field(default_factory=dict)  # thread -> [first t, n]
    purged: float = 0.0

    def admit(self, t: float, thread: str) -> bool:
        if self.cap <= 0:
            return True
        if t - self.purged >= self.window:  # forget threads gone quiet, once a window
            self.seen = {k: v for k, v in self.seen.items() if t - v[0] < self.window}
            self.purged = t
        got = self.seen.get(thread)
        if got is None or t - got[0] >= self.window:
            self.seen[thread] = [t, 1.0]
            return True
        got[1] += 1
        return got[1] <= self.cap
