"""Emerging terms and stories in fixed memory (SigniTrend)."""

from __future__ import annotations

import hashlib
from collections import deque
from collections.abc import Mapping
from datetime import datetime
from itertools import combinations

import numpy as np

from socialhub.analytics.detectors.burst import thread_of, ts
from socialhub.analytics.detectors.lemmas import lemma
from socialhub.analytics.detectors.novelty import NoveltyTracker
from socialhub.analytics.detectors.series import severity, tokens
from socialhub.analytics.detectors.smallcounts import z_of
from socialhub.analytics.detectors.stories import Recent, Story, group, posts
from socialhub.analytics.params import Parametrised
from socialhub.models import Mention, as_utc
from socialhub.query.words import STOPWORDS
from socialhub.records.signals import Signal
from socialhub.text import fold

_MASK = (1 << 64) - 1
_EXTRA_STOP = frozenset({"http", "https", "www", "com", "rt", "amp", "via", "les", "des"})
_CACHE_MAX = 200_000


def _lemmas(phrase: str) -> str:
    return " ".join(lemma(w) for w in phrase.split())


def term_hash(term: str) -> int:
    """Stable 64-bit hash (Python's ``hash`` changes per process, state must not)."""
    return int.from_bytes(hashlib.blake2b(term.encode(), digest_size=8).digest(), "little")


def pair_hash(a: int, b: int) -> int:
    lo, hi = (a, b) if a < b else (b, a)
    return (lo * 0x9E3779B97F4A7C15 + hi) & _MASK


class EmergingDetector(Parametrised):
    """Terms, hashtags, entities and term pairs whose frequency jumps: SigniTrend.

    Schubert, Weiler & Kriegel, "SigniTrend: scalable detection of emerging topics in
    textual streams by hashed significance thresholds", KDD 2014. Each term (and each
    pair of a post's first terms) is hashed into ``depth`` tables of ``width`` cells;
    each cell keeps the exponentially weighted mean and variance of its per-period
    frequency (West 1979 incremental form). The current period's count ``c`` of a term
    (the minimum over its cells, count-min style) is tested on every micro-batch
    against the conservative (maximum over cells) moments, in counts:

        z = (c − max(N·μ, β)) / (sqrt(N·μ + (N·σ)²) + β)

    with ``N`` the posts of the period so far and ``β`` the paper's bias term, which
    keeps rare and unseen terms quiet until they have real support. Our adaptation:
    the test runs in counts on the partial period with a Poisson term, so a term can
    fire seconds into its burst instead of at the period's end. Bursting terms that
    appear in the same posts are grouped into one story (see ``stories``), whose
    evidence is its first posts then its top posts by engagement.

    Reposts are skipped, and so are a root post's replies and quotes beyond
    ``per_thread`` per period: a popular post's replies repeat its words, and the paper
    counts documents of independent authors, not one conversation.

    Terms: ``Mention.keyphrases`` when present, else ``socialhub.text.index_tokens``
    without stopwords, short tokens and numbers; hashtags keep their ``#``; entity
    texts are added. Reposts and near-duplicates after the first are skipped
    (amplification is the volume detector's business). Since version 3 (issue 18)
    words are counted by their light lemma (``lemmas.py``: "explosion" and
    "explosions" are one term, named by the first form seen), adjacent content words
    also count as a two-word term ("west texas", "gas explosion"), and a term the
    stream has never used (one word or hashtag) that turns up in ``novel_min`` posts within
    ``novel_window`` fires on an exact Poisson test against the rule-of-three bound
    of its rate (``novelty.py``), long before SigniTrend's bias term would let it.

    Parameters
    ----------
    period
        Seconds per period (the EWMA step).
    half_life
        Periods after which an observation weighs half.
    z, beta, min_count
        Significance threshold, bias term (counts) and minimum support.
    width, depth
        Table size: memory is ``3 · depth · width`` numbers, whatever the vocabulary.
    warmup
        Periods to learn before any story may fire.
    per_thread
        Replies and quotes of one root post counted per period (0: all).
    hold
        A term loud in a period (``z ≥ z/2``) is not learnt by its cells, for at most
        this many periods in a row (0: learn everything, as the paper does).
    routed_only
        Only mentions that matched a query (the workspace's relevant stream).
    lemmas, ngrams
        Count words by their light lemma; add adjacent two-word terms.
    novel_min, novel_tail, novel_window, novel_warmup, novel_bits
        Never-seen terms (``novelty.py``): posts needed, tail probability (shared by
        the terms under test), counting window and history needed (seconds), Bloom
        filter size in bits per generation (``novel_min = 0``: off).

    Examples
    --------
    >>> from datetime import UTC, datetime, timedelta
    >>> from socialhub.models import Mention
    >>> det = EmergingDetector(period=600, warmup=2, width=4096, routed_only=False)
    >>> t0 = datetime(2026, 3, 2, tzinfo=UTC)
    >>> words = ["forfait", "facture", "fibre", "reseau", "box", "mobile"]
    >>> for i in range(600):  # two hours of ordinary chatter
    ...     text = f"{words[i % 6]} {words[(i * 7) % 6]} ok"
    ...     _ = det.update(Mention("x", str(i), text, t0 + timedelta(seconds=12 * i)))
    >>> fired = []
    >>> for i in range(40):
    ...     m = Mention("x", f"b{i}", "incendie entrepot #FeuDock", t0 + timedelta(
    ...         seconds=7200 + 5 * i))
    ...     fired += det.update(m)
    >>> fired += det.advance(t0 + timedelta(seconds=7500))  # the micro-batch is tested
    >>> {"#feudock", "entrepot", "incendie"} <= set(fired[0].extra["terms"])
    True
    >>> len(fired), fired[0].key.startswith("story:")
    (1, True)
    """

    name = "emerging"
    version = "3"  # 2: replies and reposts capped per thread; 3: lemmas, bigrams, novelty

    def __init__(
        self,
        *,
        period: float = 900.0,
        half_life: float = 16.0,
        z: float = 4.5,
        beta: float = 4.0,
        min_count: int = 10,
        width: int = 1 << 16,
        depth: int = 3,
        pair_terms: int = 5,
        max_terms: int = 24,
        warmup: int = 4,
        flush_every: float = 30.0,
        share: float = 0.3,
        per_thread: int = 2,
        hold: int = 8,
        routed_only: bool = True,
        lemmas: bool = True,
        ngrams: bool = True,
        novel_min: int = 5,
        novel_tail: float = 1e-6,
        novel_window: float = 3600.0,
        novel_warmup: float = 12 * 3600.0,
        novel_bits: int = 1 << 23,
        workspaces: Mapping[int, int] | None = None,
        labels: Mapping[str, str] | None = None,
    ) -> None:
        self.lemmas, self.ngrams = bool(lemmas), bool(ngrams)
        self.novelty: NoveltyTracker | None = None
        if int(novel_min) > 0:
            self.novelty = NoveltyTracker(
                window=float(novel_window),
                warmup=float(novel_warmup),
                min_count=int(novel_min),
                tail=float(novel_tail),
                bits=int(novel_bits),
            )
        self.pending_terms: list[int] = []  # single terms (no pairs): novelty's input
        self.pending_authors: list[int] = []  # their authors (hashed)
        self.period, self.z, self.beta = float(period), float(z), float(beta)
        self.min_count, self.width, self.depth = int(min_count), int(width), int(depth)
        self.alpha = 1.0 - 0.5 ** (1.0 / float(half_life))
        self.pair_terms, self.max_terms, self.warmup = int(pair_terms), int(max_terms), warmup
        self.flush_every, self.share, self.routed_only = float(flush_every), share, routed_only
        self.per_thread = int(per_thread)
        self.hold = int(hold)
        self.loud: set[int] = set()  # hashes at z >= z/2 this period
        self.loud_since: dict[int, int] = {}  # hash -> first period of its loud run
        self.threads: dict[str, int] = {}  # replies and quotes per root, this period
        self.workspaces = {int(k): int(v) for k, v in (workspaces or {}).items()}
        self.mu = np.zeros((self.depth, self.width))
        self.var = np.zeros((self.depth, self.width))
        self.cur = np.zeros((self.depth, self.width), dtype=np.int64)
        self.n_cur = 0
        self.periods = 0
        self.period_idx = -1
        self.clock = 0.0
        self.next_flush = 0.0
        self.pending: list[int] = []
        self.names: dict[int, str] = {}  # hash -> term, for the hashes pending or bursting
        self.pairs: dict[int, tuple[int, int]] = {}  # pair hash -> its terms' hashes
        self.bursting: dict[int, float] = {}  # hash -> last time it was significant
        self.recent: deque[Recent] = deque(maxlen=4000)
        self.stories: list[Story] = []
        self.cache: dict[str, int] = {}
        self.params = {"period": self.period, "half_life": half_life, "z": self.z,
                       "beta": self.beta, "min_count": self.min_count,
                       "width": self.width, "depth": self.depth}  # fmt: skip

    def __setstate__(self, state: dict[str, object]) -> None:
        """Checkpoints written before version 2 lack the thread cap and the hold."""
        self.__dict__.update(state)
        defaults = {"per_thread": 2, "threads": {}, "hold": 8, "loud": set(), "loud_since": {},
                    "lemmas": False, "ngrams": False, "novelty": None,
                    "pending_terms": [], "pending_authors": []}  # fmt: skip
        for name, value in defaults.items():
            if not hasattr(self, name):
                setattr(self, name, value)

    # ---- terms -----------------------------------------------------------------------
    def terms(self, m: Mention) -> list[str]:
        """The post's terms as counted (lemmas; see :meth:`named_terms`)."""
        return [key for key, _surface in self.named_terms(m)]

    def named_terms(self, m: Mention) -> list[tuple[str, str]]:
        """``(key, surface form)`` per distinct term of a post: the key is counted (the
        light lemma of each word), the surface form names it."""
        raw = self._raw_terms(m)
        if not self.lemmas:
            out = [(t, t) for t in raw]
        else:
            out = [
                (t if t[0] in "#@" else lemma(t) if " " not in t else _lemmas(t), t) for t in raw
            ]
        if self.ngrams and not m.keyphrases:
            keys = [k for k, _ in out if k[0] not in "#@" and " " not in k]
            forms = [v for k, v in out if k[0] not in "#@" and " " not in k]
            out += [(f"{a} {b}", f"{x} {y}") for a, b, x, y in
                    zip(keys, keys[1:], forms, forms[1:], strict=False)]  # fmt: skip
        first: dict[str, str] = {}
        for key, form in out:
            first.setdefault(key, form)
        return list(first.items())[: self.max_terms]

    def _raw_terms(self, m: Mention) -> list[str]:
        if m.keyphrases:
            raw = [fold(k) for k in m.keyphrases if isinstance(k, str)]
        else:
            toks = tokens(m.text)
            # the plain twins of '#tag' and '@user' (index_tokens yields both)
            tags = {t[1:] for t in toks if t[0] in "#@"}
            raw = [
                t
                for t in toks
                if len(t) > 2
                and not t.isdigit()
                and t not in STOPWORDS
                and t not in _EXTRA_STOP
                and t[0] != "@"
                and t not in tags
            ]
        for e in m.entities[:10]:
            text = e.get("text") if isinstance(e, dict) else None
            if isinstance(text, str) and " " in text.strip():
                raw.append(fold(text.strip()))  # one-word entities are tokens already
        return list(dict.fromkeys(raw))

    def _hash(self, term: str) -> int:
        h = self.cache.get(term)
        if h is None:
            if len(self.cache) >= _CACHE_MAX:
                self.cache.clear()
            h = self.cache[term] = term_hash(term)
        return h

    # ---- stream ----------------------------------------------------------------------
    def update(self, mention: Mention) -> list[Signal]:
        t = max(as_utc(mention.created_at).timestamp(), self.clock)
        out = self._tick(t)
        if self.routed_only and not mention.query_ids:
            return out
        if mention.kind == "repost" or mention.repost_of or mention.cluster_size > 1:
            return out
        thread = thread_of(mention)
        if thread is not None and self.per_thread > 0:
            # a popular post's replies repeat its words: they are its engagement, so a
            # thread adds at most ``per_thread`` of them per period
            n = self.threads[thread] = self.threads.get(thread, 0) + 1
            if n > self.per_thread:
                return out
        named = self.named_terms(mention)
        hashes = [self._hash(key) for key, _ in named]
        for (_key, shown), h in zip(named, hashes, strict=True):
            self.names.setdefault(h, shown)
        words = [h for (key, _), h in zip(named, hashes, strict=True) if " " not in key]
        if self.novelty is not None:  # a new word or hashtag, not a new pair of words
            self.pending_terms.extend(words)
            # one voice: an author, and a conversation counts once (replies to one post
            # repeat its words and its author's handle)
            voice = self._hash(thread or mention.author_id or mention.id)
            self.pending_authors.extend([voice] * len(words))
        for ha, hb in combinations(words[: self.pair_terms], 2):
            h = pair_hash(ha, hb)
            hashes.append(h)
            self.pairs[h] = (ha, hb)  # named only if it ever bursts
        self.pending.extend(hashes)
        self.n_cur += 1
        eng = mention.engagement.total()
        self.recent.append(Recent(t, mention.id, eng, frozenset(hashes)))
        return out

    def advance(self, now: datetime) -> list[Signal]:
        t = max(as_utc(now).timestamp(), self.clock)
        return self._tick(t)

    def _tick(self, t: float) -> list[Signal]:
        self.clock = t
        out: list[Signal] = []
        idx = int(t // self.period)
        if self.period_idx < 0:
            self.period_idx = idx
            self.next_flush = t + self.flush_every
        if idx != self.period_idx:
            out += self._flush(t)
            self._close_period()
            self.period_idx = idx
        elif t >= self.next_flush:
            out += self._flush(t)
        return out

    def _close_period(self) -> None:
        if self.n_cur > 0:
            # the paper's incremental EWMA / EWMVar over each cell's frequency
            x = self.cur / float(self.n_cur)
            delta = x - self.mu
            held = self._held()
            if held is not None:
                rows = np.arange(self.depth)[:, None]
                mu, var = self.mu[rows, held].copy(), self.var[rows, held].copy()
            self.mu += self.alpha * delta
            self.var = (1.0 - self.alpha) * (self.var + self.alpha * delta * delta)
            if held is not None:
                self.mu[rows, held], self.var[rows, held] = mu, var
            self.periods += 1
        self.cur[:] = 0
        self.n_cur = 0
        self.threads = {}
        self.names = {h: self.names[h] for h in self.bursting if h in self.names}
        self.pairs = {}

    def _held(self) -> np.ndarray | None:
        """Cells of the terms loud this period (z ≥ z/2), for at most ``hold`` periods.

        Robust learning, as for the volume baseline (Gelper, Fried & Croux 2010): a
        story ramping up over two periods would otherwise teach its cells a large
        variance in the first one and never be significant in the second."""
        loud = self.loud
        if not loud or self.hold <= 0:
            self.loud, self.loud_since = set(), {}
            return None
        since = {h: self.loud_since.get(h, self.period_idx) for h in loud}
        self.loud_since = since
        self.loud = set()
        keep = [h for h, p in since.items() if self.period_idx - p < self.hold]
        if not keep:
            return None
        return self._cells(np.array(keep, dtype=np.uint64))

    def _flush(self, t: float) -> list[Signal]:
        self.next_flush = t + self.flush_every
        novel = self._novel(t)
        if not self.pending:
            return self._stories(t, *novel) + self._expire(t)
        h = np.array(self.pending, dtype=np.uint64)
        self.pending = []
        cells = self._cells(h)
        for i in range(self.depth):
            np.add.at(self.cur[i], cells[i], 1)
        if self.periods < self.warmup:
            return self._stories(t, *novel)
        uniq = np.unique(h)
        cells = self._cells(uniq)
        rows = np.arange(self.depth)[:, None]
        count = self.cur[rows, cells].min(axis=0).astype(float)
        mu = self.mu[rows, cells].max(axis=0)
        sd = np.sqrt(self.var[rows, cells].max(axis=0))
        n = float(self.n_cur)
        exp = n * mu
        noise = np.sqrt(exp + (n * sd) ** 2) + self.beta
        z = (count - np.maximum(exp, self.beta)) / noise
        need = np.maximum(exp, self.beta) + self.z * noise
        hot = np.nonzero((z >= self.z) & (count >= self.min_count))[0]
        if self.hold > 0:
            self.loud.update(int(h) for h in uniq[z >= self.z / 2])
        new: dict[int, tuple[str, float]] = {}
        for j in hot:
            key = int(uniq[j])
            name = self._name(key)
            if key not in self.bursting and name is not None:
                new[key] = (name, float(z[j]))
            self.bursting[key] = t
        info = {
            int(uniq[j]): (float(count[j]), float(exp[j]), float(z[j]), float(need[j])) for j in hot
        }
        for key, named in novel[0].items():  # never-seen terms join the new ones
            new.setdefault(key, named)
            info.setdefault(key, novel[1][key])
        return self._stories(t, new, info) + self._expire(t)

    def _novel(
        self, t: float
    ) -> tuple[dict[int, tuple[str, float]], dict[int, tuple[float, float, float, float]]]:
        """Never-seen terms that became significant (``novelty.py``), as new bursting
        terms with their (count, expected, z, count needed)."""
        if self.novelty is None:
            return {}, {}
        batch, self.pending_terms = self.pending_terms, []
        authors, self.pending_authors = self.pending_authors, []
        new: dict[int, tuple[str, float]] = {}
        info: dict[int, tuple[float, float, float, float]] = {}
        for key, count, mu0, p in self.novelty.observe(t, batch, authors):
            name = self.names.get(key)
            if name is None or key in self.bursting:
                continue
            z = z_of(p)
            new[key], info[key] = (name, z), (float(count), mu0, z, float(self.novelty.min_count))
            self.bursting[key] = t
        return new, info

    def _name(self, h: int) -> str | None:
        if h in self.names:
            return self.names[h]
        pair = self.pairs.get(h)
        if pair is None or pair[0] not in self.names or pair[1] not in self.names:
            return None
        a, b = sorted((self.names[pair[0]], self.names[pair[1]]))
        self.names[h] = f"{a} + {b}"
        return self.names[h]

    def _cells(self, h: np.ndarray) -> np.ndarray:
        h1 = h & np.uint64(0xFFFFFFFF)
        h2 = (h >> np.uint64(32)) | np.uint64(1)
        steps = np.arange(self.depth, dtype=np.uint64)[:, None]
        return ((h1[None, :] + steps * h2[None, :]) % np.uint64(self.width)).astype(np.int64)

    # ---- stories ---------------------------------------------------------------------
    def _stories(
        self, t: float, new: dict[int, tuple[str, float]], info: Mapping[int, tuple[float, ...]]
    ) -> list[Signal]:
        if not new:
            return []
        joined, fresh = group(self.recent, self.stories, new, self.share)
        out = []
        for i, hs in joined.items():
            story = self.stories[i]
            for h in hs:
                story.terms[h], story.scores[h] = new[h]
            story.last_burst = t
            if len(story.terms) >= story.emitted_terms + 3 and t - story.last_emit >= 600:
                out.append(self._signal(t, story, "still rising", info))
        for hs in fresh:
            hs.sort(key=lambda h: (" + " in new[h][0], " " in new[h][0], -new[h][1]))  # a word
            first = new[hs[0]][0]
            story = Story(key=f"story:{first}", first_t=t, last_burst=t)
            for h in hs:
                story.terms[h], story.scores[h] = new[h]
            self.stories.append(story)
            out.append(self._signal(t, story, "rising", info))
        return out

    def _expire(self, t: float) -> list[Signal]:
        quiet = 2 * self.period
        self.bursting = {h: s for h, s in self.bursting.items() if t - s < quiet}
        self.stories = [s for s in self.stories if t - s.last_burst < quiet]
        return []

    def _signal(
        self, t: float, story: Story, trend: str, info: Mapping[int, tuple[float, ...]]
    ) -> Signal:
        story.emitted_terms, story.last_emit = len(story.terms), t
        top = sorted(story.terms, key=lambda h: -story.scores[h])
        best = top[0]
        count, exp, z, need = info.get(best, (0.0, 0.0, story.scores[best], 0.0))
        firsts, tops = posts(self.recent, set(story.terms), 10)
        evidence = list(dict.fromkeys(firsts[:1] + tops))
        names = [story.terms[h] for h in top]
        ratio = count / max(exp, 1.0)
        return Signal(
            detector=self.name,
            version=self.version,
            key=story.key,
            t=ts(t),
            severity=min(10, severity(ratio, count) + (1 if len(names) >= 4 else 0)),
            observed=count,
            baseline=round(exp, 3),
            threshold=round(need, 3),
            score=round(z, 3),
            title=f"Emerging story: {', '.join(names[:5])}",
            trend=trend,
            params=dict(self.params),
            evidence=evidence,
            extra={"terms": names, "first_posts": firsts, "top_posts": tops},
        )
