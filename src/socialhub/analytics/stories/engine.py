"""The online story engine: every mention joins the story it is about, or starts one.

A story is a set of posts about one thing, per workspace. A mention joins, in order of
evidence:

1. **its thread** — the story of the post it replies to, quotes or reposts (or of its
   root). Mentions routed to no query join stories only this way (a reply "moi aussi"
   does not name the brand but is part of the conversation);
2. **the same link** — a shared article's canonical link (tracking parameters dropped,
   see :func:`socialhub.enrichers.neardup.links_of`);
3. **the same near-duplicate cluster** (``Mention.cluster_id``, the ``neardup`` stage);
4. **similar words in a sliding window** — online clustering against the centroids of
   the stories active in the last ``window`` seconds, the "single-pass" clustering of
   topic detection and tracking (Allan, Papka & Lavrenko, *On-line new event detection
   and tracking*, SIGIR 1998): TF-IDF vectors of the post's terms (hashtags, keyphrases,
   content words), IDF from exponentially decayed document frequencies, cosine against
   each candidate story's centroid (its top ``centroid_terms`` terms); candidates come
   from an inverted index of those terms, so the cost does not grow with the stories.
   When the caller passes an encoder vector (full mode), the cosine with the story's
   mean vector is blended in (``vector_weight``).

When one post's hard evidence (thread, link, cluster) points to two stories, they merge
(the smaller into the larger, recorded as ``merged_into``). A story is written once it
has ``min_size`` posts; :meth:`StoryEngine.drain` hands the changed records and new
members to the caller (:class:`socialhub.analytics.stories.service.StoryWriter`).

State is plain data and pickles; tables are bounded (oldest forgotten first).

>>> from datetime import UTC, datetime
>>> from socialhub.models import Mention
>>> engine = StoryEngine(workspaces={1: 1}, min_size=2)
>>> t = datetime(2026, 3, 2, 8, tzinfo=UTC)
>>> a = Mention("x", "1", "Panne géante #MirabelleDown à Lyon", t, query_ids=[1])
>>> b = Mention("x", "2", "oui panne", t, kind="reply", reply_to="x:1")
>>> [engine.update(m) for m in (a, b)]
[['1:x:1'], ['1:x:1']]
>>> [r.size for r in engine.drain()[0]]
[2]
"""

from __future__ import annotations

import math
from collections import OrderedDict
from collections.abc import Mapping
from typing import Any, TypeVar

import numpy as np

from socialhub.analytics.detectors.series import tokens
from socialhub.analytics.stories.consolidate import centroid_cosine, consolidate
from socialhub.analytics.stories.generic import is_generic
from socialhub.analytics.stories.importance import CRISIS_CATEGORIES, explain, score
from socialhub.analytics.stories.params import StoryParams
from socialhub.analytics.stories.story import HOUR, StoryState, headline_of
from socialhub.enrichers.neardup import links_of
from socialhub.models import Mention
from socialhub.query.words import STOPWORDS
from socialhub.records.stories import StoryRecord
from socialhub.text import fold

K = TypeVar("K")
V = TypeVar("V")
_EXTRA_STOP = frozenset({"http", "https", "www", "com", "rt", "amp", "via", "les", "des"})


class StoryEngine:
    """Groups mentions into stories online (see the module docstring).

    Parameters
    ----------
    workspaces
        ``{query id: workspace id}``: a routed mention is grouped in each of its
        queries' workspaces.
    lists
        ``{watchlist name: type}``: journalists, MPs... are the story's listed voices.
    official
        Watchlist names of the brand's official accounts (their posts are the story's
        responses); by default, lists typed ``official`` or named like "officiel".
    generic
        ``{workspace id: generic words}`` (:mod:`.generic`): hashtags spelling the
        workspace's own names and query words never lead to a story.
    """

    name = "stories"
    version = "1"

    def __init__(
        self,
        workspaces: Mapping[int, int] | None = None,
        lists: Mapping[str, str] | None = None,
        official: frozenset[str] | None = None,
        generic: Mapping[int, frozenset[str]] | None = None,
        **params: Any,
    ) -> None:
        self.params = StoryParams(**params)
        self.workspaces = dict(workspaces or {})
        self.lists = dict(lists or {})
        self._official = official
        # the organisation's declared official accounts (normalised handles), refreshed
        # by the detector service from store.engage: their posts are the story's answers
        self.accounts: frozenset[str] = frozenset()
        self.stories: dict[str, StoryState] = {}
        self.alias: dict[str, str] = {}  # merged key -> surviving key
        self.posts: OrderedDict[str, tuple[str, ...]] = OrderedDict()  # mention -> stories
        self.link_story: OrderedDict[tuple[int, str], str] = OrderedDict()
        self.cluster_story: OrderedDict[tuple[int, str], str] = OrderedDict()
        self.tag_story: OrderedDict[tuple[int, str], str] = OrderedDict()
        self.index: dict[int, dict[str, set[str]]] = {}  # workspace -> term -> stories
        self.df: dict[str, tuple[float, float]] = {}  # term -> (decayed count, at)
        self.docs = (0.0, 0.0)  # decayed document count, at
        self.rates: dict[int, tuple[float, float]] = {}  # query -> (decayed posts, at)
        self.merges: list[tuple[int, str, str]] = []
        self.clock = 0.0
        self.started = 0.0
        self._last_gc = 0.0
        self._last_consolidation = 0.0
        self.generic = generic or {}

    # -- configuration -----------------------------------------------------------------

    @property
    def official(self) -> frozenset[str]:
        if self._official is not None:
            return self._official
        named = set(self.params.official_lists)
        for name, kind in self.lists.items():
            if kind == "official" or "officiel" in fold(name) or "official" in fold(name):
                named.add(name)
        return frozenset(named)

    @property
    def generic(self) -> dict[int, frozenset[str]]:
        return getattr(self, "_generic", {})  # checkpoints from before issue 15 have none

    @generic.setter
    def generic(self, value: Mapping[int, frozenset[str]]) -> None:
        """Set by the detector service from the store (queries, brand entities); a tag
        that became generic stops leading to the story that owned it."""
        new = {int(ws): frozenset(words) for ws, words in value.items()}
        if new == getattr(self, "_generic", None):
            return  # the service refreshes often; the words rarely change
        self._generic = new
        for ws, tag in [k for k in getattr(self, "tag_story", {}) if self._is_generic(*k)]:
            del self.tag_story[(ws, tag)]

    def _is_generic(self, ws: int, tag: str) -> bool:
        return is_generic(tag, self.generic.get(ws, frozenset()))

    # -- the stream --------------------------------------------------------------------

    def update(self, m: Mention, vector: Any = None) -> list[str]:
        """Place one mention (stream order); returns the keys of its stories."""
        t = m.created_at.timestamp()
        self.clock = max(self.clock, t)
        self.started = self.started or t
        spaces = sorted({self.workspaces[q] for q in m.query_ids if q in self.workspaces})
        parents = [p for p in (m.root_id, m.repost_of, m.quote_of, m.reply_to) if p]
        thread = self._thread_stories(parents)
        root = not parents
        if spaces and root:
            self._learn(m, t)
        links = links_of(m.text)
        if m.kind == "article" and m.url:
            links += links_of(m.url)
        tags = [tok for tok in dict.fromkeys(tokens(m.text)) if tok[0] == "#"]
        keys: list[str] = []
        terms: dict[str, float] | None = None
        for ws in spaces or sorted(thread):
            if ws in thread:
                # a reply, quote or repost belongs to its conversation; its own words,
                # links or near-duplicates ("Bon papier", "Haha") never merge stories
                hard: list[str | None] = [thread[ws]]
            else:
                hard = [self._live(self.link_story.get((ws, link))) for link in links]
                for tag in tags if spaces else ():
                    owner = self._live(self.tag_story.get((ws, tag)))
                    if owner is not None and (
                        t - self.stories[owner].tag_last.get(tag, 0.0) <= self.params.tag_idle
                    ):
                        if terms is None:
                            terms = self._vector(m, t)
                        # the tag and some of the story's words: "#Mirabelle" alone is
                        # not the outage when the post is about personal data
                        if self._cosine(terms, self.stories[owner]) >= self.params.tag_cos:
                            hard.append(owner)
                hard = [k for k in hard if k is not None and self._open_to(k, t)]
                if not hard and m.cluster_id:
                    # a near-duplicate joins, never merges: template-like posts ("Test de
                    # débit : 450 Mb/s") cluster across unrelated stories
                    near = self._live(self.cluster_story.get((ws, m.cluster_id)))
                    if near is not None and self._open_to(near, t):
                        hard = [near]
            found = [k for k in dict.fromkeys(hard) if k is not None]
            key: str | None = None
            if found:
                # only a root post's own evidence may merge two stories
                key = self._merge(ws, found) if root else found[0]
            elif spaces and m.kind != "repost":
                if terms is None:
                    terms = self._vector(m, t)
                key = self._similar(ws, terms, vector, t)
            if key is None:
                if not spaces:
                    continue
                key = self._open(ws, m, t)
            story = self.stories[key]
            story.add(
                m, t, list_types=self.lists, official=self.official,
                accounts=getattr(self, "accounts", frozenset()),
            )  # fmt: skip
            # replies' small talk blurs a centroid, unless the reply is where the
            # conversation enters this workspace (its parent is another workspace's)
            shapes = root or m.kind == "quote" or ws not in thread
            if terms is None and spaces and shapes:
                terms = self._vector(m, t)
            if terms and shapes:
                self._centroid(ws, story, terms)
            if vector is not None:
                self._mean_vector(story, vector)
            for link in links:
                story.links[link] += 1
                if root:
                    _put(self.link_story, (ws, link), key, self.params.max_posts)
            if m.cluster_id and root:
                _put(self.cluster_story, (ws, m.cluster_id), key, self.params.max_posts)
            for tag in tags:
                story.tags[tag] += 1
                story.tag_last[tag] = t
                if (
                    story.tags[tag] >= self.params.tag_min
                    and self._owns(story, tag, t)
                    and not self._is_generic(ws, tag)
                ):
                    _put(self.tag_story, (ws, tag), key, self.params.max_posts)
            keys.append(key)
        if keys:
            _put(self.posts, m.id, tuple(keys), self.params.max_posts)
        if t - self._last_consolidation >= self.params.consolidate_every:
            self.consolidate(t)
        if t - self._last_gc >= HOUR:
            self._gc(t)
        return keys

    def _open_to(self, key: str, t: float) -> bool:
        """Whether a story still takes posts other than its threads' (recently active,
        not older than ``max_age``: a topic the background talks about every day makes
        a story per day, not one for ever)."""
        story = self.stories[key]
        return story.last_t >= t - self.params.window and story.first_t >= t - self.params.max_age

    def _owns(self, story: StoryState, tag: str, t: float) -> bool:
        """Whether most of a hashtag's recent use is this story's (#MirabelleDown during
        the outage, not #panne which the background uses all the time)."""
        if t - self.started < self.params.tag_warmup:
            return False  # every tag looks new on a cold start
        df = self.df.get(tag)
        used = self._decayed(df, t) if df else 0.0
        return story.tags[tag] >= self.params.tag_share * used

    def _thread_stories(self, parents: list[str]) -> dict[int, str]:
        out: dict[int, str] = {}
        for parent in parents:
            for key in self.posts.get(parent, ()):
                live = self._live(key)
                if live is not None:
                    out.setdefault(self.stories[live].workspace_id, live)
        return out

    def _live(self, key: str | None) -> str | None:
        while key is not None and key in self.alias:
            key = self.alias[key]
        return key if key is not None and key in self.stories else None

    def _open(self, ws: int, m: Mention, t: float) -> str:
        key = f"{ws}:{m.id}"
        author = f"{m.platform}:{m.author.handle}" if m.author else ""
        self.stories[key] = StoryState(key, ws, m.id, t, author, headline_of(m))
        return key

    def _merge(self, ws: int, keys: list[str]) -> str:
        """One story from several (the largest survives)."""
        if len(keys) == 1:
            return keys[0]
        keys.sort(key=lambda k: (-self.stories[k].size, self.stories[k].first_t))
        big = self.stories[keys[0]]
        for key in keys[1:]:
            other = self.stories[key]
            if other.size >= self.params.merge_guard and (
                centroid_cosine(big, other) < self.params.merge_cos
            ):
                continue  # two grown stories that talk differently stay apart
            self._absorb(ws, big, key)
        self._trim(ws, big)
        return big.key

    def _absorb(self, ws: int, big: StoryState, key: str) -> None:
        small = self.stories.pop(key)
        big.absorb(small)
        self.alias[key] = big.key
        self._unindex(ws, small)
        index = self.index.setdefault(ws, {})
        for term in small.centroid:
            index.setdefault(term, set()).add(big.key)
        if small.stored:
            self.merges.append((ws, key, big.key))
            big.stored = True
        big.norm = math.sqrt(sum(w * w for w in big.centroid.values()))

    # -- similarity --------------------------------------------------------------------

    def _terms(self, m: Mention) -> list[str]:
        raw = [fold(k) for k in m.keyphrases if isinstance(k, str)]
        toks = tokens(m.text)
        tags = {t[1:] for t in toks if t[0] in "#@"}
        raw += [
            t
            for t in toks
            if len(t) > 2
            and not t.isdigit()
            and t[0] != "@"
            and t not in STOPWORDS
            and t not in _EXTRA_STOP
            and t not in tags
        ]
        return list(dict.fromkeys(raw))

    def _decayed(self, value: tuple[float, float], t: float) -> float:
        count, at = value
        return count * math.exp2(-(t - at) / self.params.idf_half_life)

    def _learn(self, m: Mention, t: float) -> None:
        """Document frequencies (roots of the routed stream) and query rates."""
        self.docs = (self._decayed(self.docs, t) + 1.0, t)
        for term in self._terms(m):
            old = self.df.get(term)
            self.df[term] = ((self._decayed(old, t) if old else 0.0) + 1.0, t)
        for q in m.query_ids:
            old = self.rates.get(q)
            self.rates[q] = ((self._decayed(old, t) if old else 0.0) + 1.0, t)

    def _vector(self, m: Mention, t: float) -> dict[str, float]:
        """L2-normalised TF-IDF weights of the post's terms."""
        n = self._decayed(self.docs, t) if self.docs[0] else 0.0
        out: dict[str, float] = {}
        for term in self._terms(m):
            df = self._decayed(self.df[term], t) if term in self.df else 0.0
            out[term] = math.log((n + 1.0) / (df + 1.0)) + 1.0
        norm = math.sqrt(sum(w * w for w in out.values())) or 1.0
        return {k: w / norm for k, w in out.items()}

    def _similar(self, ws: int, terms: dict[str, float], vector: Any, t: float) -> str | None:
        index = self.index.get(ws)
        if not index or not terms:
            return None
        lookup = sorted(terms, key=lambda k: -terms[k])[: self.params.lookup_terms]
        candidates: set[str] = set()
        for term in lookup:
            candidates |= index.get(term, set())
        best, best_sim = None, self.params.threshold
        for key in candidates:
            story = self.stories.get(key)
            if story is None or story.norm <= 0 or not self._open_to(key, t):
                continue
            sim = self._cosine(terms, story)
            if vector is not None and story.vector is not None:
                cos = float(np.dot(story.vector, vector) / (np.linalg.norm(story.vector) or 1.0))
                hit = 1.0 if cos >= self.params.vector_threshold else cos / 2
                w = self.params.vector_weight
                sim = (1 - w) * sim + w * hit * max(sim, self.params.threshold)
            if sim > best_sim:
                best, best_sim = key, sim
        return best

    def _cosine(self, terms: dict[str, float], story: StoryState) -> float:
        if story.norm <= 0:
            return 0.0
        c = story.centroid
        return sum(w * c.get(term, 0.0) for term, w in terms.items()) / story.norm

    def _centroid(self, ws: int, story: StoryState, terms: dict[str, float]) -> None:
        index = self.index.setdefault(ws, {})
        c = story.centroid
        for term, w in terms.items():
            if term not in c:
                index.setdefault(term, set()).add(story.key)
            c[term] = c.get(term, 0.0) + w
        if len(c) > 2 * self.params.centroid_terms:
            self._trim(ws, story)
        else:
            story.norm = math.sqrt(sum(w * w for w in c.values()))

    def _trim(self, ws: int, story: StoryState) -> None:
        c = story.centroid
        keep = sorted(c, key=lambda k: -c[k])[: self.params.centroid_terms]
        index = self.index.setdefault(ws, {})
        for term in set(c) - set(keep):
            del c[term]
            stories = index.get(term)
            if stories is not None:
                stories.discard(story.key)
                if not stories:
                    del index[term]
        story.norm = math.sqrt(sum(w * w for w in c.values()))

    def _mean_vector(self, story: StoryState, vector: Any) -> None:
        vec = np.asarray(vector, dtype=np.float32)
        if story.vector is None:
            story.vector, story.vectors = vec.copy(), 1
            return
        story.vectors += 1
        story.vector += (vec - story.vector) / story.vectors

    def _unindex(self, ws: int, story: StoryState) -> None:
        index = self.index.get(ws, {})
        for term in story.centroid:
            stories = index.get(term)
            if stories is not None:
                stories.discard(story.key)
                if not stories:
                    del index[term]

    # -- upkeep and output -------------------------------------------------------------

    def consolidate(self, t: float) -> int:
        """Merge active stories that turned out to be one (:mod:`.consolidate`)."""
        return consolidate(self, t)

    def _gc(self, t: float) -> None:
        """Forget silent stories and rare terms (hourly, on the stream clock)."""
        self._last_gc = t
        for key in [k for k, s in self.stories.items() if s.last_t < t - self.params.keep]:
            story = self.stories.pop(key)
            self._unindex(story.workspace_id, story)
        self.alias = {k: v for k, v in self.alias.items() if self._live(v) is not None}
        if len(self.df) > self.params.max_terms:
            ranked = sorted(self.df, key=lambda k: self._decayed(self.df[k], t))
            for term in ranked[: len(self.df) - self.params.max_terms // 2]:
                del self.df[term]

    def baseline(self, query_id: int) -> float:
        """The query's usual routed root posts per hour (decayed count over the half-life)."""
        rate = self.rates.get(query_id)
        if rate is None:
            return 0.0
        per_second = self._decayed(rate, self.clock) * math.log(2) / self.params.idf_half_life
        return per_second * HOUR

    def importance(self, story: StoryState) -> tuple[float, list[dict[str, Any]]]:
        peak_t, peak = story.peak_roots()  # the baseline counts original posts too
        queries = [q for q, n in story.queries.items() if n * 3 >= story.size] or list(
            story.queries
        )
        base = min((self.baseline(q) for q in queries), default=0.0)
        voices: dict[str, int] = {}
        for voice in story.voices.values():
            voices[voice["type"]] = voices.get(voice["type"], 0) + 1
        crisis = sum(n for c, n in story.categories.items() if c in CRISIS_CATEGORIES)
        parts = explain(
            voices=voices,
            authors=len(story.authors),
            reach=story.reach,
            peak=peak,
            baseline=base,
            negative=story.sentiment.get("negative", 0),
            rated=sum(story.sentiment.values()),
            crisis_share=crisis / story.size if story.size else 0.0,
            rise_hours=(peak_t - story.first_t) / HOUR,
        )
        return score(parts), parts

    def drain(
        self,
    ) -> tuple[list[StoryRecord], list[tuple[int, str, str]], list[tuple[int, str, str]]]:
        """Changed stories of ``min_size`` posts or more, their new members
        ``(workspace, key, mention id)`` and merges ``(workspace, old key, new key)``
        since the last call."""
        records: list[StoryRecord] = []
        members: list[tuple[int, str, str]] = []
        for story in self.stories.values():
            if not story.dirty or story.size < self.params.min_size:
                continue
            records.append(story.record(*self.importance(story)))
            members += [(story.workspace_id, story.key, mid) for mid in story.pending]
            story.pending = []
            story.dirty = False
            story.stored = True
        merges, self.merges = self.merges, []
        return records, members, merges


def _put(table: OrderedDict[K, V], key: K, value: V, cap: int) -> None:
    table[key] = value
    table.move_to_end(key)
    while len(table) > cap:
        table.popitem(last=False)
