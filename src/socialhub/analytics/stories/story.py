"""One story's running aggregate: what the story page and the importance score read.

A :class:`StoryState` is updated once per mention that joins the story and turned into
a stored :class:`~socialhub.store.stories.StoryRecord` by :meth:`StoryState.record`.
Everything is plain data (dicts, Counters, floats) so the engine pickles.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from socialhub.models import Mention
from socialhub.records.stories import StoryRecord
from socialhub.text import norm_handle

HOUR = 3600.0
VOICE_TYPES = frozenset({"journalist", "mp", "influencer", "partner"})
MAX_VOICES = 50  # listed voices kept on the record (the first ones)
MAX_RESPONSES = 20


def _ts(t: float) -> datetime:
    return datetime.fromtimestamp(t, UTC)


def headline_of(m: Mention) -> str:
    """An article's title (its first line), else the post's text, on one line."""
    text = m.text.strip()
    if m.kind == "article":
        text = text.split("\n", 1)[0]
    text = " ".join(text.split())
    return text if len(text) <= 200 else text[:199] + "…"


@dataclass(slots=True)
class StoryState:
    """The aggregate of one story in one workspace (see the module docstring)."""

    key: str  # "<workspace>:<first mention id>": stable across processes and restarts
    workspace_id: int
    first_id: str
    first_t: float
    first_author: str
    headline: str
    last_t: float = 0.0
    size: int = 0
    authors: set[str] = field(default_factory=set)
    reach: int = 0  # followers summed over distinct authors
    hourly: Counter[int] = field(default_factory=Counter)  # hour index -> posts
    hourly_roots: Counter[int] = field(default_factory=Counter)  # ... original posts only
    centroid: dict[str, float] = field(default_factory=dict)  # term -> summed weight
    norm: float = 0.0
    vector: Any = None  # mean encoder vector (numpy), full mode only
    vectors: int = 0
    links: Counter[str] = field(default_factory=Counter)
    tags: Counter[str] = field(default_factory=Counter)  # hashtags of its posts
    tag_last: dict[str, float] = field(default_factory=dict)  # hashtag -> last used
    sentiment: Counter[str] = field(default_factory=Counter)
    places: Counter[str] = field(default_factory=Counter)  # "city|region|country"
    platforms: Counter[str] = field(default_factory=Counter)
    languages: Counter[str] = field(default_factory=Counter)
    categories: Counter[str] = field(default_factory=Counter)
    queries: Counter[int] = field(default_factory=Counter)
    voices: dict[str, dict[str, Any]] = field(default_factory=dict)
    responses: list[dict[str, Any]] = field(default_factory=list)
    headline_score: float = -1.0
    headline_is_article: bool = False
    followers_max: int = 0
    merged_into: str | None = None
    stored: bool = False  # a record exists (size reached the engine's min_size once)
    pending: list[str] = field(default_factory=list)  # member ids not yet written
    dirty: bool = True

    def add(
        self,
        m: Mention,
        t: float,
        *,
        list_types: dict[str, str],
        official: frozenset[str],
        accounts: frozenset[str] = frozenset(),
    ) -> None:
        """Count one member mention (the caller decided it belongs here). ``official``:
        watchlist names of the brand's accounts; ``accounts``: the organisation's
        declared official accounts (normalised handles), on any watchlist or none."""
        self.size += 1
        self.last_t = max(self.last_t, t)
        self.hourly[int(t // HOUR)] += 1
        if not (m.root_id or m.repost_of or m.quote_of or m.reply_to):
            self.hourly_roots[int(t // HOUR)] += 1
        self.pending.append(m.id)
        self.dirty = True
        author = m.author
        handle = f"{m.platform}:{author.handle}" if author else ""
        if author and handle not in self.authors:
            self.authors.add(handle)
            self.reach += max(0, int(author.followers))
            self.followers_max = max(self.followers_max, int(author.followers))
        self.platforms[m.platform] += 1
        self.languages[m.lang or "und"] += 1
        if m.sentiment_label:
            self.sentiment[m.sentiment_label] += 1
        for c in m.categories:
            name = c.get("name") if isinstance(c, dict) else None
            if name and float(c.get("score", 0.0)) >= 0.5:
                self.categories[str(name)] += 1
        for p in m.places[:3]:
            if isinstance(p, dict) and p.get("name") and p.get("source") != "author":
                place = f"{p['name']}|{p.get('admin1', '')}|{p.get('country', '')}"
                self.places[place] += 1
        for q in m.query_ids:
            self.queries[q] += 1
        own = author is not None and norm_handle(author.handle) in accounts
        if own and len(self.responses) < MAX_RESPONSES:
            self.responses.append({"account": handle, "at": _ts(t).isoformat(), "mention_id": m.id})
        for name in m.watchlists:
            kind = list_types.get(name, "")
            if own:
                break
            if author and name in official:
                if len(self.responses) < MAX_RESPONSES:
                    self.responses.append(
                        {"account": handle, "at": _ts(t).isoformat(), "mention_id": m.id}
                    )
            elif (
                author
                and kind in VOICE_TYPES
                and handle not in self.voices
                and len(self.voices) < MAX_VOICES
            ):
                self.voices[handle] = {
                    "handle": author.handle,
                    "name": author.name,
                    "platform": m.platform,
                    "list": name,
                    "type": kind,
                    "followers": int(author.followers),
                    "first_at": _ts(t).isoformat(),
                    "mention_id": m.id,
                }
        self._headline(m)

    def _headline(self, m: Mention) -> None:
        """An article's title beats posts; among root posts, the most engaged (reposts,
        quotes and replies as the platform counted them; ties: the first)."""
        if self.headline_is_article or m.kind in ("reply", "repost", "comment"):
            return
        if m.kind == "article":
            self.headline = headline_of(m)
            self.headline_is_article = True
            return
        engagement = m.engagement.reposts + m.engagement.quotes + m.engagement.replies
        if engagement > self.headline_score:
            self.headline_score = float(engagement)
            self.headline = headline_of(m)

    def absorb(self, other: StoryState) -> None:
        """Merge ``other`` (a smaller story found to be the same) into this one."""
        self.size += other.size
        self.first_t, self.first_id, self.first_author = min(
            (self.first_t, self.first_id, self.first_author),
            (other.first_t, other.first_id, other.first_author),
        )
        self.last_t = max(self.last_t, other.last_t)
        for handle in other.authors - self.authors:
            self.authors.add(handle)
        self.reach += other.reach  # authors in both are counted twice: a bound, cheap
        self.followers_max = max(self.followers_max, other.followers_max)
        for counter in (
            "hourly",
            "hourly_roots",
            "links",
            "tags",
            "sentiment",
            "places",
            "platforms",
            "languages",
        ):
            getattr(self, counter).update(getattr(other, counter))
        self.categories.update(other.categories)
        for tag, at in other.tag_last.items():
            self.tag_last[tag] = max(at, self.tag_last.get(tag, 0.0))
        self.queries.update(other.queries)
        for term, w in other.centroid.items():
            self.centroid[term] = self.centroid.get(term, 0.0) + w
        for handle, voice in other.voices.items():
            self.voices.setdefault(handle, voice)
        self.responses = sorted(self.responses + other.responses, key=lambda r: r["at"])[
            :MAX_RESPONSES
        ]
        if other.headline_is_article and not self.headline_is_article:
            self.headline, self.headline_is_article = other.headline, True
        self.pending += other.pending
        other.pending = []
        self.dirty = True

    # -- read side ---------------------------------------------------------------------

    def peak(self) -> tuple[float, int]:
        """(start of the busiest hour, its posts)."""
        if not self.hourly:
            return self.first_t, 0
        hour, count = max(self.hourly.items(), key=lambda kv: (kv[1], -kv[0]))
        return hour * HOUR, count

    def peak_roots(self) -> tuple[float, int]:
        """(start of the hour with most original posts, their number)."""
        if not self.hourly_roots:
            return self.first_t, 0
        hour, count = max(self.hourly_roots.items(), key=lambda kv: (kv[1], -kv[0]))
        return hour * HOUR, count

    def recent(self, now: float) -> int:
        """Posts in the story's current and previous hour (by the stream clock)."""
        hour = int(now // HOUR)
        return self.hourly.get(hour, 0) + self.hourly.get(hour - 1, 0)

    def record(self, importance: float, explanation: list[dict[str, Any]]) -> StoryRecord:
        peak_t, peak_n = self.peak()
        first_answer = self.responses[0] if self.responses else None
        return StoryRecord(
            workspace_id=self.workspace_id,
            key=self.key,
            headline=self.headline,
            first_mention_id=self.first_id,
            first_author=self.first_author,
            first_seen=_ts(self.first_t),
            last_seen=_ts(self.last_t),
            peak_at=_ts(peak_t),
            peak_count=peak_n,
            velocity=float(self.hourly.get(int(self.last_t // HOUR), 0)),
            size=self.size,
            authors=len(self.authors),
            reach=self.reach,
            voices=list(self.voices.values()),
            sentiment=dict(self.sentiment),
            places=_top_places(self.places),
            platforms=dict(self.platforms.most_common(12)),
            languages=dict(self.languages.most_common(8)),
            categories=dict(self.categories.most_common(8)),
            query_ids=[q for q, _ in self.queries.most_common(8)],
            links=[link for link, _ in self.links.most_common(5)],
            responses={
                "answered": first_answer is not None,
                "first_at": first_answer["at"] if first_answer else None,
                "accounts": sorted({r["account"] for r in self.responses}),
                "posts": list(self.responses),
            },
            importance=round(importance, 2),
            explanation=explanation,
            merged_into=self.merged_into,
        )


def _top_places(places: Counter[str]) -> list[dict[str, Any]]:
    out = []
    for place, count in places.most_common(20):
        name, region, country = ([*place.split("|"), "", ""])[:3]
        out.append({"name": name, "region": region, "country": country, "count": count})
    return out
