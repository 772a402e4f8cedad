"""The Explore search's filters, read once per request: one typed object for the routes
that search, count, group and export (``/explore/mentions``, ``/explore/groups``,
``/explore/facets``, ``/export``).

``q``, the time range, platform, language and sentiment are the plain search; ``story``,
``city`` and ``departement`` narrow it (see :mod:`socialhub.web.explore_groups`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Annotated

from fastapi import Depends, Query

from socialhub.web.api import Q, Sentiment, Since, Token, Until, _filters, _time

City = Annotated[str | None, Query(max_length=100)]
Dep = Annotated[str | None, Query(pattern=r"^(\d{2}|2[AB])$")]
StoryId = Annotated[int | None, Query(ge=1, le=2**63 - 1)]
Plat = Annotated[str | None, Query(pattern=Token)]


@dataclass(frozen=True, slots=True)
class ExploreFilters:
    """What the caller asked for, as given (times are parsed by :meth:`window`, so a bad
    date answers 400 where the route reads it)."""

    q: str | None = None
    since: str | None = None
    until: str | None = None
    platform: str | None = None
    lang: str | None = None
    sentiment: str | None = None
    story: int | None = None
    city: str | None = None
    departement: str | None = None

    @property
    def narrowed(self) -> bool:
        """Whether a story, a city or a département narrows the search."""
        return any((self.story, self.city, self.departement))

    def query(self) -> str | None:
        """``q`` with the platform and language ANDed (what the store searches)."""
        return _filters(self.q, self.platform, self.lang)

    def window(self) -> tuple[datetime | None, datetime | None]:
        return _time(self.since, "since"), _time(self.until, "until")


def explore_filters(
    q: Q = None,
    since: Since = None,
    until: Until = None,
    platform: Plat = None,
    lang: Plat = None,
    sentiment: Sentiment | None = None,
    story: StoryId = None,
    city: City = None,
    departement: Dep = None,
) -> ExploreFilters:
    """The query parameters of an Explore route (a FastAPI dependency)."""
    return ExploreFilters(q, since, until, platform, lang, sentiment, story, city, departement)


Filters = Annotated[ExploreFilters, Depends(explore_filters)]
