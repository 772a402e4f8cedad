"""Explore by story and by place: filters the query language has no field for.

``/explore/mentions`` is the search (``q``, time range, platform, language, sentiment)
narrowed to one **story** (its members, read from ``store.stories``), one **city** or
one **département** (cities named in the text, else the author's own place;
départements from :mod:`socialhub.web.geo_fr`). ``/explore/groups`` counts the
newest matches per story, city and département (the facets the page offers).

Place filters are applied to the matches as they are read: a page scans at most
:data:`SCAN_PAGE` matches and answers a cursor to go on, so a rare city costs more
requests, never one unbounded read.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request

from socialhub.i18n import M_
from socialhub.models import Mention
from socialhub.query.errors import QuerySyntaxError
from socialhub.store.base import Store
from socialhub.text import fold
from socialhub.web.access import ApiError, WorkspaceContext, store_of, workspace
from socialhub.web.api import mention_json
from socialhub.web.geo_fr import france
from socialhub.web.live_scope import mention_filter
from socialhub.web.responses import MentionPage
from socialhub.web.responses_warroom import ExploreGroups
from socialhub.web.search_filters import ExploreFilters, Filters

router = APIRouter(prefix="/api")

View = Annotated[WorkspaceContext, Depends(workspace("view"))]
SCAN_PAGE = 2000  # matches read per request at most
STORY_PAGE = 500


def places_of(m: Mention) -> list[dict[str, Any]]:
    """The cities a post is about: named in its text, else its author's own."""
    cities = [p for p in m.places if isinstance(p, dict) and p.get("kind", "city") == "city"]
    named = [p for p in cities if p.get("source") != "author"]
    return named or cities


def departement_of(place: dict[str, Any]) -> tuple[str, str] | None:
    fr = france()
    if fr is None or place.get("country") not in ("fr", "", None):
        return None
    dep = fr.departement_of(str(place.get("name", "")), place.get("lat"), place.get("lon"))
    return (dep.code, dep.name) if dep else None


def place_filter(city: str | None, dep: str | None) -> Callable[[Mention], bool] | None:
    if not city and not dep:
        return None
    want = fold(city) if city else None

    def keep(m: Mention) -> bool:
        places = places_of(m)
        if want is not None and not any(fold(str(p.get("name", ""))) == want for p in places):
            return False
        if dep is not None:
            return any((d := departement_of(p)) is not None and d[0] == dep for p in places)
        return True

    return keep


class Matches:
    """Matches of the search newest first, each with the cursor that resumes after it,
    reading at most :data:`SCAN_PAGE` (plain search) or story members. Once iterated to
    the end, ``bounded`` tells whether it stopped at that bound (more may follow) rather
    than at the last match. An unknown story is a 404 raised on the first read."""

    def __init__(
        self, store: Store, ctx: WorkspaceContext, f: ExploreFilters, cursor: str | None
    ) -> None:
        self.store, self.ctx, self.f, self.cursor = store, ctx, f, cursor
        self.bounded = False

    def __iter__(self) -> Iterator[tuple[Mention, str | None]]:
        if self.f.story is None:
            return self._search()
        return self._story(self.f.story)

    def _search(self) -> Iterator[tuple[Mention, str | None]]:
        t0, t1 = self.f.window()
        after = self.cursor
        read = 0
        while read < SCAN_PAGE:
            page, nxt = self.store.dashboard.search_page(
                self.f.query(), workspace_id=self.ctx.workspace_id, since=t0, until=t1,
                sentiment=self.f.sentiment, after=after, limit=500,
            )  # fmt: skip
            for m in page:
                read += 1
                yield m, m.id
            if nxt is None:
                return
            after = nxt
        self.bounded = True

    def _story(self, story: int) -> Iterator[tuple[Mention, str | None]]:
        t0, t1 = self.f.window()
        check_story(self.store, self.ctx, story)
        f = self.f
        try:
            keep = mention_filter(
                self.store.workspaces, self.ctx.workspace_id, q=f.q, platform=f.platform,
                lang=f.lang, sentiment=f.sentiment,
            )  # fmt: skip
        except QuerySyntaxError as exc:
            raise ApiError(400, "bad_query", exc) from exc
        offset = int(self.cursor) if self.cursor and self.cursor.isdigit() else 0
        end = offset + SCAN_PAGE
        while offset < end:
            page = self.store.stories.mentions(
                self.ctx.workspace_id, story, limit=STORY_PAGE, offset=offset
            )
            for m in page:
                offset += 1
                in_time = (t0 is None or m.created_at >= t0) and (t1 is None or m.created_at < t1)
                if in_time and (keep is None or keep(m)):
                    yield m, str(offset)
            if len(page) < STORY_PAGE:
                return
        self.bounded = True


def scan_narrowed(
    store: Store, ctx: WorkspaceContext, f: ExploreFilters
) -> tuple[list[Mention], int]:
    """The newest matches of the search narrowed to ``f``'s story, city and
    département (at most :data:`SCAN_PAGE` read): (kept, read)."""
    keep = place_filter(f.city, f.departement)
    kept: list[Mention] = []
    read = 0
    for m, _at in Matches(store, ctx, f, None):
        read += 1
        if keep is None or keep(m):
            kept.append(m)
    return kept, read


def iter_narrowed(
    store: Store, ctx: WorkspaceContext, f: ExploreFilters, *, after: str | None = None
) -> Iterator[Mention]:
    """Every match of the search narrowed to ``f``'s story, city and département,
    newest first, page after page (what an export streams). An unknown story is a 404
    raised on the first read: check it before a response starts."""
    keep = place_filter(f.city, f.departement)
    cursor = after
    while True:
        last: str | None = None
        for m, at in Matches(store, ctx, f, cursor):
            last = at
            if keep is None or keep(m):
                yield m
        if last is None or last == cursor:
            return
        cursor = last


def check_story(store: Store, ctx: WorkspaceContext, story: int | None) -> None:
    if story is not None and store.stories.get(ctx.workspace_id, story) is None:
        raise ApiError(
            404, "not_found", M_("No story %(story_id)s in this workspace.", story_id=story)
        )


@router.get("/workspaces/{slug}/explore/mentions", response_model=MentionPage, tags=["mentions"])
def explore_mentions(
    ctx: View,
    request: Request,
    f: Filters,
    cursor: Annotated[str | None, Query(max_length=300)] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> dict[str, Any]:
    """The search narrowed to a story, a city or a département, newest first; page on
    with ``cursor`` (a page may hold fewer than ``limit`` when the filter is rare:
    ``next_cursor`` says there is more to read)."""
    store = store_of(request)
    keep = place_filter(f.city, f.departement)
    scan = Matches(store, ctx, f, cursor)
    rows = iter(scan)
    items: list[Mention] = []
    last: str | None = None
    for m, at in rows:
        last = at
        if keep is None or keep(m):
            items.append(m)
            if len(items) >= limit:
                break
    more = last is not None and (
        next(rows, None) is not None  # the scan itself reads on past the page
        or (scan.bounded and next(iter(Matches(store, ctx, f, last)), None) is not None)
    )
    return {"items": [mention_json(m) for m in items], "next_cursor": last if more else None}


@router.get("/workspaces/{slug}/explore/groups", response_model=ExploreGroups, tags=["mentions"])
def explore_groups(ctx: View, request: Request, f: Filters) -> dict[str, Any]:
    """Counts per story, city and département over the newest matches (``scanned``;
    ``exact`` when that was all of them)."""
    store = store_of(request)
    keep = place_filter(f.city, f.departement)
    scanned = [m for m, _ in Matches(store, ctx, f, None)]
    found = [m for m in scanned if keep is None or keep(m)]
    stories: Counter[int] = Counter()
    of = store.stories.stories_of(ctx.workspace_id, [m.id for m in found])
    stories.update(of[m.id] for m in found if m.id in of)
    cities: Counter[str] = Counter()
    deps: Counter[str] = Counter()
    dep_names: dict[str, str] = {}
    for m in found:
        places = places_of(m)
        cities.update({str(p.get("name")) for p in places if p.get("name")})
        for p in places:
            d = departement_of(p)
            if d is not None:
                dep_names[d[0]] = d[1]
        deps.update({d[0] for p in places if (d := departement_of(p)) is not None})
    top_stories = []
    for sid, n in stories.most_common(15):
        rec = store.stories.get(ctx.workspace_id, sid)
        if rec is not None:
            top_stories.append({"value": str(sid), "label": rec.headline, "count": n})
    return {
        "story": top_stories,
        "city": [{"value": c, "count": n} for c, n in cities.most_common(15)],
        "departement": [
            {"value": c, "label": f"{c} {dep_names[c]}", "count": n}
            for c, n in deps.most_common(15)
        ],
        "scanned": len(scanned),
        "exact": len(scanned) < SCAN_PAGE,
    }
