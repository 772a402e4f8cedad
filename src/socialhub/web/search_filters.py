"""The search's query parameters, read once per request into one typed object.

``q``, the time range, platform, language and sentiment make the plain search
(``/mentions``, ``/facets``); Explore narrows it further to a story, a city or a
département (``/explore/mentions``, ``/explore/groups``, ``/explore/facets``,
``/export``; see :mod:`socialhub.web.explore_groups`). Routes take the object through
a FastAPI dependency: ``f: Search`` or ``f: Filters``.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import UTC, datetime
from typing import Annotated, Literal

from fastapi import Depends, Query

from socialhub.i18n import M_
from socialhub.web.access import ApiError

Since = Annotated[str | None, Query(description="ISO 8601 start, inclusive (default: 7 days ago).")]
Until = Annotated[str | None, Query(description="ISO 8601 end, exclusive (default: now).")]
Q = Annotated[
    str | None,
    Query(description='Query language: AND OR NOT, "phrases", wild*, NEAR/n, field:value.'),
]
Token = r"^[A-Za-z0-9_.-]{1,40}$"
Sentiment = Literal["positive", "negative", "neutral", "none"]
Plat = Annotated[str | None, Query(pattern=Token)]  # a platform or a language code
City = Annotated[str | None, Query(max_length=100)]
Dep = Annotated[str | None, Query(pattern=r"^(\d{2}|2[AB])$")]
StoryId = Annotated[int | None, Query(ge=1, le=2**63 - 1)]


def parse_time(value: str | None, name: str) -> datetime | None:
    """An ISO 8601 parameter as an aware time (naive is UTC); a bad one answers 400."""
    if not value:
        return None
    try:
        t = datetime.fromisoformat(value.replace("Z", "+00:00").replace(" ", "+"))
    except ValueError as exc:
        raise ApiError(
            400, "bad_request", M_("%(name)s: not an ISO 8601 date-time", name=name)
        ) from exc
    return t if t.tzinfo else t.replace(tzinfo=UTC)  # naive times are UTC, like storage


def facet_query(q: str | None, platform: str | None, lang: str | None) -> str | None:
    """The query with facet filters ANDed (values are checked tokens, not syntax)."""
    parts = [f"({q})"] if q and q.strip() else []
    if platform:
        parts.append(f"platform:{platform}")
    if lang:
        parts.append(f"lang:{lang}")
    return " AND ".join(parts) or None


@dataclass(frozen=True, slots=True)
class SearchFilters:
    """The plain search as asked (times are parsed by :meth:`window`, so a bad date
    answers 400 where the route reads it)."""

    q: str | None = None
    since: str | None = None
    until: str | None = None
    platform: str | None = None
    lang: str | None = None
    sentiment: str | None = None

    def query(self) -> str | None:
        """``q`` with the platform and language ANDed (what the store searches)."""
        return facet_query(self.q, self.platform, self.lang)

    def window(self) -> tuple[datetime | None, datetime | None]:
        return parse_time(self.since, "since"), parse_time(self.until, "until")


@dataclass(frozen=True, slots=True)
class ExploreFilters(SearchFilters):
    """The search narrowed to a story, a city or a département."""

    story: int | None = None
    city: str | None = None
    departement: str | None = None

    @property
    def narrowed(self) -> bool:
        """Whether a story, a city or a département narrows the search."""
        return any((self.story, self.city, self.departement))


def search_filters(
    q: Q = None,
    since: Since = None,
    until: Until = None,
    platform: Plat = None,
    lang: Plat = None,
    sentiment: Sentiment | None = None,
) -> SearchFilters:
    """The query parameters of a search route (a FastAPI dependency)."""
    return SearchFilters(q, since, until, platform, lang, sentiment)


Search = Annotated[SearchFilters, Depends(search_filters)]


def explore_filters(
    search: Search, story: StoryId = None, city: City = None, departement: Dep = None
) -> ExploreFilters:
    """The query parameters of an Explore route (a FastAPI dependency)."""
    plain = {f.name: getattr(search, f.name) for f in fields(search)}
    return ExploreFilters(**plain, story=story, city=city, departement=departement)


Filters = Annotated[ExploreFilters, Depends(explore_filters)]
