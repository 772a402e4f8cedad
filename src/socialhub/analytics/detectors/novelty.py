"""Never-seen terms: a word absent from the stream's history that appears in several
posts within an hour.

SigniTrend (``emerging.py``) tests a term against the moments its cells learnt; a term
never seen before has none, so the bias term ``β`` decides and it needs about
``β·(z+1) = 22`` posts in a period to fire — on a stream of tens of posts an hour (a
real event starting in a sparse query) that is hours. Yet a word that the stream has
never used ("explosion" in a marathon's stream, "magnitude" in a city's) turning up
in five independent posts within the hour is strong evidence on its own.

The test is exact. Over a history of ``H`` seconds a term has never appeared; by the
"rule of three" (Hanley & Lippman-Hand, "If nothing goes wrong, is everything all
right?", *JAMA* 249(13), 1983) its rate is below ``3 / H`` with 95 % confidence, so its
expected count over ``window`` seconds is at most ``μ₀ = 3 · window / H``. A term seen
by ``c`` distinct authors fires when the Poisson tail ``P(X ≥ c | μ₀)`` is below ``tail / V``, ``V``
being the number of never-seen terms under test (Bonferroni: most new words are typos
and names seen once), and ``c ≥ min_count``. Burst detection as a departure from a
term's past rate follows Kleinberg, "Bursty and hierarchical structure in streams",
KDD 2002; the exact Poisson tail rather than a normal approximation follows the
surveillance of small counts (see ``smallcounts.py``).

"Seen" is an ageing Bloom filter (Bloom, *CACM* 13(7), 1970) in two generations of
``bits`` bits each: a term is seen when either generation holds it; when the current
one is half full it becomes the previous one and a fresh one starts (terms unused for
about two generations are forgotten). A false positive (a new term taken for a seen
one) only costs a missed novelty, never a false alarm. During the warm-up every term
goes straight into the filter; afterwards a new term enters it an hour after its first
appearance, so it keeps counting for its whole first hour.

>>> nov = NoveltyTracker(window=3600.0, warmup=6 * 3600.0, min_count=5, bits=1 << 16)
>>> old = [101, 102, 103]
>>> for i in range(8 * 60):  # eight hours of the same three words
...     _ = nov.observe(60.0 * i, old)
>>> [h for h, *_ in nov.observe(8 * 3600.0, [999] * 4)]  # four posts: not yet
[]
>>> [h for h, *_ in nov.observe(8 * 3600.0 + 60, [999])]  # the fifth
[999]
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from socialhub.analytics.detectors.smallcounts import poisson_sf

__all__ = ["NoveltyTracker"]

_K = 3  # bit positions per term


@dataclass(slots=True)
class NoveltyTracker:
    """Counts of never-seen terms (64-bit hashes) over their first ``window`` seconds.

    ``observe(t, hashes, authors)`` takes the term hashes of a batch of posts (one per
    post and term, with its author) and returns ``(hash, count, expected, p)`` for
    each never-seen term that is significant at ``t``. State is numpy arrays, dicts
    and sets: it pickles.
    """

    window: float = 3600.0
    warmup: float = 6 * 3600.0  # history needed before anything counts as never seen
    min_count: int = 5
    tail: float = 1e-4
    bits: int = 1 << 23
    max_fresh: int = 200_000
    start: float | None = None
    current: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.uint8))
    previous: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.uint8))
    filled: int = 0  # terms added to ``current``
    fresh: dict[int, list[float]] = field(default_factory=dict)  # hash -> [first t, n]
    voices: dict[int, set[int]] = field(default_factory=dict)  # hash -> its authors
    fired: set[int] = field(default_factory=set)

    def __post_init__(self) -> None:
        if self.current.size == 0:
            self.current = np.zeros(self.bits // 8, dtype=np.uint8)
            self.previous = np.zeros(self.bits // 8, dtype=np.uint8)

    # ---- the filter --------------------------------------------------------------------
    def _positions(self, hashes: np.ndarray) -> np.ndarray:
        h1 = hashes & np.uint64(0xFFFFFFFF)
        h2 = (hashes >> np.uint64(32)) | np.uint64(1)
        steps = np.arange(_K, dtype=np.uint64)[:, None]
        return ((h1[None, :] + steps * h2[None, :]) % np.uint64(self.bits)).astype(np.int64)

    def _holds(self, bitmap: np.ndarray, pos: np.ndarray) -> np.ndarray:
        got = (bitmap[pos >> 3] >> (pos & 7).astype(np.uint8)) & 1
        return np.asarray(got.all(axis=0), dtype=bool)

    def seen(self, hashes: np.ndarray) -> np.ndarray:
        pos = self._positions(hashes)
        return self._holds(self.current, pos) | self._holds(self.previous, pos)

    def remember(self, hashes: np.ndarray) -> None:
        if hashes.size == 0:
            return
        pos = self._positions(hashes).ravel()
        np.bitwise_or.at(self.current, pos >> 3, (1 << (pos & 7)).astype(np.uint8))
        self.filled += int(hashes.size)
        # half the bits set once about bits·ln2/K terms are in: start a new generation
        if self.filled * _K > self.bits * 0.69:
            self.previous, self.current = self.current, np.zeros_like(self.current)
            self.filled = 0

    # ---- counting and testing ----------------------------------------------------------
    def observe(
        self, t: float, hashes: list[int] | np.ndarray, authors: list[int] | None = None
    ) -> list[tuple[int, int, float, float]]:
        """Count a batch: ``hashes[i]`` was used by the voice ``authors[i]`` (a hash of
        its author, or of its conversation; each voice counts once per term: one account
        repeating a word, or one post's replies, are one voice).
        Without ``authors`` every occurrence counts."""
        if self.start is None:
            self.start = t
        self._expire(t)
        arr = np.asarray(hashes, dtype=np.uint64)
        counting: set[int] = set()
        if arr.size and t - self.start < self.warmup:  # still learning what is usual
            uniq = np.unique(arr)
            self.remember(uniq[~self.seen(uniq)])
            return []
        if arr.size:
            uniq = np.unique(arr)
            fresh = self.fresh
            known = np.fromiter((int(h) in fresh for h in uniq), dtype=bool, count=uniq.size)
            rest = uniq[~known]
            counting = set(uniq[known].tolist())
            if rest.size:
                new = rest[~self.seen(rest)]
                if len(fresh) + new.size > self.max_fresh:  # a flood of new words
                    self.remember(new)
                else:
                    for h in new.tolist():
                        fresh[h] = [t, 0.0]
                        self.voices[h] = set()
                    counting.update(new.tolist())
            if counting and authors is None:
                for h in arr.tolist():
                    if h in counting:
                        fresh[h][1] += 1
            elif counting and authors is not None:
                for h, a in zip(arr.tolist(), authors, strict=True):
                    if h in counting:
                        heard = self.voices[h]
                        if a not in heard:
                            heard.add(a)
                            fresh[h][1] += 1
        return self.significant(t, counting)

    def significant(
        self, t: float, terms: set[int] | None = None
    ) -> list[tuple[int, int, float, float]]:
        """Never-seen terms beyond the Bonferroni-corrected exact tail at ``t``: those of
        ``terms`` (the ones just counted: only a new post changes a verdict, save for
        the slow growth of the history), or all of them."""
        history = t - (self.start if self.start is not None else t)
        if history < self.warmup or not self.fresh:
            return []
        mu0 = 3.0 * self.window / history
        cut = self.tail / len(self.fresh)
        out = []
        fresh = self.fresh
        for h in fresh if terms is None else terms:
            n = fresh[h][1] if h in fresh else 0.0
            if n >= self.min_count and h not in self.fired:
                p = poisson_sf(int(n), mu0)
                if p <= cut:
                    out.append((h, int(n), mu0, p))
        for h, *_ in out:
            self.fired.add(h)
        return out

    def _expire(self, t: float) -> None:
        """Terms whose first hour is over join the filter: they are seen from now on."""
        old = []
        for h, (first, _n) in self.fresh.items():  # in order of first use
            if t - first < self.window:
                break
            old.append(h)
        if not old:
            return
        for h in old:
            del self.fresh[h]
            self.voices.pop(h, None)
            self.fired.discard(h)
        self.remember(np.asarray(old, dtype=np.uint64))
