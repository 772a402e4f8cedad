"""Time-bucket helpers shared by the detectors: sliding counts and a seasonal baseline.

Everything here runs on the stream clock (seconds since the epoch, UTC) and pickles:
plain floats, lists and deques, no callables, no wall clock.
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass, field

from socialhub.text import index_tokens

HOUR = 3600.0
DAY = 86_400.0


_LAST: list[tuple[str, list[str]]] = [("", [])]


def tokens(text: str) -> list[str]:
    """``index_tokens`` of a text's first 5,000 characters, remembering the last call
    (several detectors tokenise the same mention one after the other)."""
    last = _LAST[0]
    if last[0] is text:
        return last[1]
    toks = index_tokens(text[:5000])
    _LAST[0] = (text, toks)
    return toks


def clamp(value: float, low: float, high: float) -> float:
    return low if value < low else high if value > high else value


def severity(ratio: float, observed: float) -> int:
    """1 (note) .. 10 (crisis) from how many times the expectation and how many posts.

    Twice the baseline with ten posts is a 2; five times with fifty posts a 5; twenty
    times with five hundred posts a 9. Volume counts a little so a big absolute wave
    outranks a small relative one.
    """
    ratio = max(ratio, 1.0)
    raw = 1.0 + 1.5 * math.log2(ratio) + max(0.0, math.log10(max(observed, 1.0) / 10.0))
    return int(clamp(round(raw), 1, 10))


@dataclass(slots=True)
class SlidingCounts:
    """Counts over several sliding windows, at ``step``-second resolution.

    A circular list of per-step counts (step ``k`` at ``k % slots``); each window's
    running sum is kept up to date as steps leave it, so ``add`` and ``window`` are
    O(1) and ``roll`` costs a few slice sums whatever the gap (sparse keys jump many
    steps at once).
    """

    step: float
    windows: tuple[float, ...]
    slots: int = 0
    lengths: list[int] = field(default_factory=list)  # steps per window
    ring: list[int] = field(default_factory=list)
    sums: list[int] = field(default_factory=list)
    current: int = -1  # index (t // step) of the newest step

    def __post_init__(self) -> None:
        self.slots = max(1, math.ceil(max(self.windows) / self.step))
        self.ring = [0] * self.slots
        self.sums = [0] * len(self.windows)
        self.lengths = [max(1, round(w / self.step)) for w in self.windows]

    def __setstate__(self, state: tuple[None, dict[str, object]]) -> None:
        """Slots, and checkpoints from before version 2 (a deque, newest step last)."""
        for name, value in state[1].items():
            object.__setattr__(self, name, value)
        if isinstance(self.ring, deque):
            old, slots = list(self.ring), self.slots
            self.ring = [0] * slots
            for j, n in enumerate(old):  # old[j] held step current - (slots - 1) + j
                self.ring[(self.current - (slots - 1) + j) % slots] = n

    def _sum(self, first: int, n: int) -> int:
        """Sum of the ``n`` steps from step ``first`` on (``n <= slots``)."""
        if n <= 0:
            return 0
        ring, slots = self.ring, self.slots
        s = first % slots
        if s + n <= slots:
            return sum(ring[s : s + n])
        return sum(ring[s:]) + sum(ring[: s + n - slots])

    def roll(self, t: float) -> None:
        """Move the newest step to the one holding ``t`` (older ones slide out)."""
        idx = int(t // self.step)
        cur = self.current
        if cur < 0:
            self.current = idx
            return
        gap = idx - cur
        if gap <= 0:
            return
        slots = self.slots
        if gap >= slots:
            self.ring = [0] * slots
            self.sums = [0] * len(self.windows)
        else:
            sums = self.sums
            for i, n in enumerate(self.lengths):
                # window i held steps cur-n+1 .. cur; now idx-n+1 .. idx: the first
                # min(gap, n) of the old ones leave it
                if sums[i]:
                    sums[i] -= self._sum(cur - n + 1, min(gap, n))
            s = (cur + 1) % slots  # the new steps start empty
            if s + gap <= slots:
                self.ring[s : s + gap] = [0] * gap
            else:
                self.ring[s:] = [0] * (slots - s)
                self.ring[: s + gap - slots] = [0] * (s + gap - slots)
        self.current = idx

    def add(self, n: int = 1) -> None:
        self.ring[self.current % self.slots] += n
        sums = self.sums
        for i in range(len(sums)):
            sums[i] += n

    def window(self, i: int) -> int:
        return self.sums[i]

    def earlier(self, back: float, length: float) -> int | None:
        """Posts in the ``length`` seconds that ended ``back`` seconds before the newest
        step's end (``earlier(300, 300)``: the five minutes before the 5-minute window);
        ``None`` when the ring does not reach that far back."""
        b, n = round(back / self.step), max(1, round(length / self.step))
        if b + n > self.slots or self.current < 0:
            return None
        return self._sum(self.current - b - n + 1, n)


@dataclass(slots=True)
class SeasonalBaseline:
    """Expected count per bucket: level × hour-of-day factor (× day-of-week factor).

    Holt-Winters-like multiplicative smoothing (Winters 1960) with the robust twist of
    Gelper, Fried & Croux (2010): each observation is winsorised at
    ``expected + clip·sd`` before it updates anything, and the caller skips updates
    altogether while it is alerting, so a spike does not teach the baseline that
    spikes are normal.

    The seasonal profile is learnt directly rather than from residuals (a fast level
    would otherwise absorb the daily cycle): an exponentially weighted mean of the
    count of each hour of the day across days (``gamma`` per day) and, after a week,
    of each day of the week. Until every hour has been seen once the factor is 1 and
    the level runs faster (``cold_alpha``), so the first day's morning ramp does not
    look like a burst. Factors are interpolated between hour centres so the
    expectation has no steps at the top of the hour.
    """

    bucket: float = 60.0
    alpha: float = 0.0058  # level, per bucket (half-life two hours of one-minute buckets)
    cold_alpha: float = 0.023  # before a full day is known (half-life 30 minutes)
    gamma: float = 0.3  # hour-of-day / day-of-week profiles, per day
    clip: float = 3.0
    level: float = 0.0
    buckets_seen: int = 0
    hours: list[float] = field(default_factory=lambda: [0.0] * 24)
    hours_seen: list[bool] = field(default_factory=lambda: [False] * 24)
    days: list[float] = field(default_factory=lambda: [0.0] * 7)
    days_seen: list[bool] = field(default_factory=lambda: [False] * 7)
    hour_idx: int = -1
    hour_sum: float = 0.0
    hour_clean: bool = True  # no alert during the hour: it may teach the profile
    day_idx: int = -1
    day_sum: float = 0.0
    day_clean: bool = True
    seasonal: bool = False
    hours_mean: float = 0.0
    running_start: bool = True  # False: a new key starts from zero, not from its first posts
    # hour-of-day factors are shrunk towards 1 by this many posts an hour (a gamma prior
    # on each hour's rate): a profile learnt from four posts an hour is noise, one from
    # four hundred is not (0 = no shrinkage)
    shrink: float = 0.0

    def factor(self, t: float) -> float:
        if not self.seasonal:
            return 1.0
        mean = self.hours_mean
        if mean <= 0:
            return 1.0
        pos = (t / HOUR - 0.5) % 24.0
        h0 = int(pos)
        frac = pos - h0
        c = self.shrink
        h = self.hours[h0] * (1.0 - frac) + self.hours[(h0 + 1) % 24] * frac
        f = (h + c) / (mean + c)
        if all(self.days_seen):
            dmean = sum(self.days) / 7.0
            day = (int(t // DAY) + 3) % 7  # 1970-01-01 was a Thursday: 0 = Monday
            c = 24.0 * self.shrink
            f *= (self.days[day] + c) / (dmean + c) if dmean > 0 else 1.0
        return max(f, 0.05)

    def expected(self, t: float) -> float:
        """Expected count in one bucket at time ``t``."""
        return self.level * self.factor(t)

    def expected_window(self, t: float, width: float) -> float:
        """Expected count in the ``width`` seconds before ``t`` (trapezoid over factors)."""
        f = (self.factor(t) + self.factor(t - width)) / 2.0
        return self.level * f * width / self.bucket

    def update(self, t: float, count: float, dispersion: float, *, learn: bool = True) -> None:
        """The bucket that started at ``t`` closed with ``count``; ``learn=False`` while
        alerting (the clock moves on, nothing is learnt)."""
        self._calendar(t)
        if not learn:
            self.hour_clean = self.day_clean = False
            return
        self.buckets_seen += 1
        f = self.factor(t)
        exp = self.level * f
        if self.buckets_seen > 5:  # winsorise once there is something to compare with
            cap = exp + self.clip * math.sqrt(dispersion * max(exp, 1.0))
            count = min(count, cap)
        self.hour_sum += count
        self.day_sum += count
        # a running mean while young, then exponential forgetting
        alpha = self.alpha if self.seasonal else self.cold_alpha
        a = max(alpha, 1.0 / self.buckets_seen) if self.running_start else alpha
        self.level += a * (count / f - self.level)

    def skip_empty(self, t: float, n: int) -> None:
        """``n`` empty buckets from ``t`` on, in one step (long silences of sparse keys):
        the level decays as ``n`` updates with a zero count would make it."""
        end = t + n * self.bucket
        hour = (int(t // HOUR) + 1) * HOUR
        while hour < end:  # every hour boundary crossed still closes its hour
            self._calendar(hour)
            hour += HOUR
        self._calendar(end - self.bucket)
        alpha = self.alpha if self.seasonal else self.cold_alpha
        self.level *= (1.0 - alpha) ** n
        self.buckets_seen += n

    def _calendar(self, t: float) -> None:
        hour, day = int(t // HOUR), int(t // DAY)
        if self.hour_idx < 0:
            self.hour_idx, self.day_idx = hour, day
            self.hour_clean = self.day_clean = False  # partial first hour and day
        if hour != self.hour_idx:
            if self.hour_clean:
                h = self.hour_idx % 24
                g = self.gamma if self.hours_seen[h] else 1.0
                self.hours[h] += g * (self.hour_sum - self.hours[h])
                self.hours_seen[h] = True
                self.hours_mean = sum(self.hours) / 24.0
                if not self.seasonal and all(self.hours_seen):
                    self.seasonal = True
                    # restart the level on the profile's scale (a daily mean rate)
                    self.level = sum(self.hours) / 24.0 * self.bucket / HOUR
            self.hour_idx, self.hour_sum, self.hour_clean = hour, 0.0, True
        if day != self.day_idx:
            if self.day_clean:
                d = (self.day_idx + 3) % 7
                g = self.gamma if self.days_seen[d] else 1.0
                self.days[d] += g * (self.day_sum - self.days[d])
                self.days_seen[d] = True
            self.day_idx, self.day_sum, self.day_clean = day, 0.0, True
