"""What a report reads from the store: the period's mentions, the workspace's scope
(which queries are the brand, which are competitors, who is on which watchlist), and
the plain figures computed from them.

Mentions are read once per period and everything else is computed in Python: a
twice-daily digest covers thousands of mentions, not millions, and one pass keeps the
figures consistent with each other (the same mentions give the volume, the reach and
the topics).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from socialhub.models import Mention, Query, Watchlist, is_brand_voice
from socialhub.store.base import MentionStore
from socialhub.text import norm_handle

__all__ = [
    "RELEVANT",
    "Figures",
    "Scope",
    "fetch_mentions",
    "figures",
    "hourly",
    "is_opinion",
    "scope_of",
]

PAGE = 5_000
MAX_MENTIONS = 100_000  # a digest past this reads the newest ones and says so
_COMPETITOR_NAME = re.compile(r"^\s*(concurrents?|competitors?|rival)\b[\s:—–-]*", re.I)


def fetch_mentions(
    mentions: MentionStore,
    workspace_id: int,
    since: datetime,
    until: datetime,
    cap: int = MAX_MENTIONS,
) -> tuple[list[Mention], bool]:
    """The workspace's mentions with ``since <= created_at < until``, newest first, and
    whether ``cap`` cut the list."""
    out: list[Mention] = []
    while len(out) < cap:
        page = mentions.search(
            None,
            workspace_id=workspace_id,
            since=since,
            until=until,
            limit=min(PAGE, cap - len(out)),
            offset=len(out),
        )
        out.extend(page)
        if len(page) < PAGE:
            return out, False
    return out, True


@dataclass(slots=True)
class Scope:
    """Who is who in a workspace, for the reports.

    ``brand``: ids of the queries about the brand (all but competitors' and
    watchlist-only ones, unless ``options["brand_queries"]`` names them);
    ``competitors``: competitor label -> query ids (queries named "Concurrent X" /
    "Competitor X", or ``options["competitor_queries"]``: {label: [query names]}).
    ``members``: list type -> (platform, handle) -> (display name, watchlist name, notes).
    """

    brand: set[int] = field(default_factory=set)
    competitors: dict[str, set[int]] = field(default_factory=dict)
    members: dict[str, dict[tuple[str, str], tuple[str, str, str]]] = field(default_factory=dict)
    brand_name: str = ""

    def member(self, list_type: str, m: Mention) -> tuple[str, str, str] | None:
        if m.author is None:
            return None
        table = self.members.get(list_type, {})
        handle = norm_handle(m.author.handle)
        return table.get((m.platform, handle)) or table.get(("", handle))


def scope_of(
    queries: Sequence[Query], watchlists: Sequence[Watchlist], options: dict[str, Any]
) -> Scope:
    by_name = {q.name: q.id for q in queries if q.id is not None}
    scope = Scope(brand_name=str(options.get("brand_name", "")))
    named = options.get("competitor_queries")
    if isinstance(named, dict):
        for label, names in named.items():
            scope.competitors[str(label)] = {by_name[n] for n in names if n in by_name}
    else:
        for q in queries:
            if q.id is not None and _COMPETITOR_NAME.match(q.name):
                label = _COMPETITOR_NAME.sub("", q.name).strip() or q.name
                scope.competitors.setdefault(label, set()).add(q.id)
    taken = set().union(*scope.competitors.values()) if scope.competitors else set()
    brand_names = options.get("brand_queries")
    if isinstance(brand_names, list):
        scope.brand = {by_name[n] for n in brand_names if n in by_name}
    else:
        # A query that only selects watchlist members ("list:Journalistes AND ...") is
        # about people, not the brand: it would count journalists' telecom chatter.
        scope.brand = {
            q.id
            for q in queries
            if q.id is not None and q.id not in taken and "list:" not in q.definition
        }
    for wl in watchlists:
        table = scope.members.setdefault(wl.list_type, {})
        for member in wl.members:
            key = (member.platform, norm_handle(member.handle))
            table.setdefault(key, (member.name or member.handle, wl.name, member.notes))
    return scope


@dataclass(slots=True)
class Figures:
    """Key figures of a set of mentions."""

    volume: int = 0
    authors: int = 0
    reach: int = 0  # followers of the distinct authors: the potential audience
    engagement: int = 0
    positive: int = 0
    neutral: int = 0
    negative: int = 0
    brand: int = 0
    competitors: dict[str, int] = field(default_factory=dict)
    opinions: int = 0  # the mentions the sentiment is read from (rated or not)

    @property
    def net_sentiment(self) -> float | None:
        """(positive - negative) / labelled, in [-100, 100]; None with no label."""
        labelled = self.positive + self.neutral + self.negative
        return None if not labelled else round(100 * (self.positive - self.negative) / labelled, 1)

    @property
    def sentiment_gap(self) -> str | None:
        """Why there is no net sentiment: ``no_posts`` (nothing about the brand but its
        own voice) or ``not_rated`` (posts, none rated); None when there is one."""
        if self.positive + self.neutral + self.negative:
            return None
        return "not_rated" if self.opinions else "no_posts"

    @property
    def share_of_voice(self) -> float | None:
        """The brand's share of brand + competitor mentions, in percent."""
        total = self.brand + sum(self.competitors.values())
        return None if not total else round(100 * self.brand / total, 1)

    def as_dict(self) -> dict[str, Any]:
        return {
            "volume": self.volume,
            "authors": self.authors,
            "reach": self.reach,
            "engagement": self.engagement,
            "sentiment": {"positive": self.positive, "neutral": self.neutral,
                          "negative": self.negative, "net": self.net_sentiment,
                          "opinions": self.opinions, "gap": self.sentiment_gap},
            "brand": self.brand,
            "competitors": dict(self.competitors),
            "share_of_voice": self.share_of_voice,
        }  # fmt: skip


RELEVANT = 0.5  # a routed mention scored below this for its queries is off-topic


def is_own_voice(m: Mention, own: frozenset[str] = frozenset()) -> bool:
    """The brand speaking: an official account (``own`` handles) or a post the ``voice``
    stage marked as the brand's (its accounts, an author's repeated template)."""
    if is_brand_voice(m.categories):
        return True
    return bool(own) and m.author is not None and norm_handle(m.author.handle) in own


def is_opinion(m: Mention, about: set[int] | None, own: frozenset[str] = frozenset()) -> bool:
    """Does ``m`` count for the sentiment: not the brand's own voice (official accounts,
    templates: ``voice`` stage, or a handle in ``own``), and, when ``about`` is given,
    routed to one of those queries and relevant to one of them (when scored)."""
    if is_own_voice(m, own):
        return False
    if about is None:
        return True
    ids = [q for q in m.query_ids if q in about]
    if not ids:
        return False
    scores = [m.relevance[str(q)] for q in ids if str(q) in m.relevance]
    return not scores or max(scores) >= RELEVANT


def figures(
    mentions: Iterable[Mention],
    scope: Scope,
    *,
    about: set[int] | None = None,
    own: frozenset[str] = frozenset(),
) -> Figures:
    """Key figures; the sentiment counts only :func:`is_opinion` mentions (about the
    queries ``about`` when given, e.g. the brand's, never the brand's own voice)."""
    out = Figures(competitors={label: 0 for label in scope.competitors})
    followers: dict[str, int] = {}
    labels: Counter[str] = Counter()
    for m in mentions:
        out.volume += 1
        out.engagement += m.engagement.total()
        if m.author is not None:
            followers[m.author.id] = max(followers.get(m.author.id, 0), m.author.followers)
        if is_opinion(m, about, own):
            out.opinions += 1
            if m.sentiment_label:
                labels[m.sentiment_label] += 1
        routed = set(m.query_ids)
        if routed & scope.brand:
            out.brand += 1
        for label, ids in scope.competitors.items():
            if routed & ids:
                out.competitors[label] += 1
    out.authors = len(followers)
    out.reach = sum(followers.values())
    out.positive, out.neutral, out.negative = (
        labels["positive"],
        labels["neutral"],
        labels["negative"],
    )
    return out


def hourly(
    mentions: Iterable[Mention], start: datetime, end: datetime, step: timedelta
) -> list[int]:
    """Counts per ``step`` from ``start`` (the last bucket may be shorter)."""
    n = max(1, -(-int((end - start).total_seconds()) // int(step.total_seconds())))
    counts = [0] * n
    for m in mentions:
        i = int((m.created_at - start).total_seconds() // step.total_seconds())
        if 0 <= i < n:
            counts[i] += 1
    return counts


def delta(now: float | None, before: float | None) -> float | None:
    """Relative change in percent (None when there is nothing to compare)."""
    if now is None or before is None or before == 0:
        return None
    return round(100 * (now - before) / before, 1)
