"""Explore: the linter, every facet, streamed exports and a mention with its thread.

Part of the REST API (:mod:`socialhub.web.api` has the search itself:
``/mentions`` with ``q`` and the cursor). Facet filters that the query language can
express (``list:``, ``author:``, ``country:``) are added to ``q`` by the page, so the
search, the facets and the export all see one filter.

The raw payload of a mention (evidence) is for the ``legal`` and ``admin`` roles only,
by page and by API: other roles get the mention without it.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Iterator
from itertools import islice
from typing import Annotated, Any, Literal

import orjson
from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import StreamingResponse
from starlette.concurrency import run_in_threadpool

from socialhub.i18n import M_, localised
from socialhub.models import Mention, Role
from socialhub.query.errors import QuerySyntaxError
from socialhub.query.lint import lint
from socialhub.query.parser import parse
from socialhub.serialize import mention_to_dict
from socialhub.store.base import DashboardStore, MentionStore, Store
from socialhub.web.access import ApiError, WorkspaceContext, store_of, workspace
from socialhub.web.api import mention_json, sql_facets
from socialhub.web.explore_groups import check_story, iter_narrowed, scan_narrowed
from socialhub.web.responses import ExploreFacets, LintOut, MentionDetail, RawOut
from socialhub.web.search_filters import Filters

router = APIRouter(prefix="/api")

View = Annotated[WorkspaceContext, Depends(workspace("view"))]
EVIDENCE_ROLES = frozenset({Role.ADMIN, Role.LEGAL})
SCAN_LIMIT = 2000  # newest matches read for the facets SQL cannot group (JSON fields)
EXPORT_PAGE = 500
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")  # what spreadsheets read as a formula
CSV_COLUMNS = (
    "id",
    "created_at",
    "platform",
    "kind",
    "lang",
    "author_handle",
    "author_name",
    "text",
    "url",
    "sentiment",
    "likes",
    "reposts",
    "replies",
    "quotes",
    "views",
    "place",
    "country",
    "categories",
    "watchlists",
    "queries",
    "query_ids",
)


def can_see_evidence(ctx: WorkspaceContext) -> bool:
    return ctx.role in EVIDENCE_ROLES


# -- linter -------------------------------------------------------------------------------


@router.get("/workspaces/{slug}/lint", response_model=LintOut, tags=["queries"])
def lint_query(ctx: View, q: Annotated[str, Query()] = "") -> dict[str, Any]:
    """Linter messages of a query (errors stop it from being saved), with columns;
    ``message`` in English, ``display_message`` in the reader's language."""
    messages = (
        [
            {
                "level": m.level,
                "message": str(m.message),
                "display_message": localised(m.message),
                "column": m.column,
            }
            for m in lint(q)
        ]
        if q.strip()
        else []
    )
    return {"ok": not any(m["level"] == "error" for m in messages), "messages": messages}


# -- facets -------------------------------------------------------------------------------


def _scan(
    dashboard: DashboardStore, query: str | None, ctx: WorkspaceContext, **kw: Any
) -> list[Mention]:
    out: list[Mention] = []
    cursor: str | None = None
    while len(out) < SCAN_LIMIT:
        page, cursor = dashboard.search_page(
            query, workspace_id=ctx.workspace_id, after=cursor, limit=500, **kw
        )
        out.extend(page)
        if cursor is None:
            break
    return out[:SCAN_LIMIT]


def _top(counter: Counter[str], limit: int = 15) -> list[dict[str, Any]]:
    ranked = sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]
    return [{"value": v, "count": n} for v, n in ranked]


@router.get("/workspaces/{slug}/explore/facets", response_model=ExploreFacets, tags=["mentions"])
def explore_facets(ctx: View, request: Request, f: Filters) -> dict[str, Any]:
    """Counts per platform, language, sentiment (exact, in SQL) and per category,
    watchlist, place and author (over the newest ``scanned`` matches: ``exact`` says
    whether that was all of them). Narrowed to a ``story``, ``city`` or ``departement``
    (as ``/explore/mentions``), every facet counts the newest narrowed matches."""
    store = store_of(request)
    t0, t1 = f.window()
    if f.narrowed:
        check_story(store, ctx, f.story)
        found, read = scan_narrowed(store, ctx, f)
        out: dict[str, Any] = {
            "platform": _top(Counter(m.platform for m in found)),
            "lang": _top(Counter(m.lang for m in found if m.lang)),
            "sentiment": _top(Counter(m.sentiment_label for m in found if m.sentiment_label)),
        }
    else:
        out = sql_facets(store.dashboard, ctx, f)
        found = _scan(store.dashboard, f.query(), ctx, since=t0, until=t1, sentiment=f.sentiment)
        read = len(found)
    category: Counter[str] = Counter()
    watchlist: Counter[str] = Counter()
    place: Counter[str] = Counter()
    author: Counter[str] = Counter()
    for m in found:
        category.update({str(c.get("label") or c.get("name") or "") for c in m.categories} - {""})
        watchlist.update(set(m.watchlists))
        if m.country:
            place[m.country] += 1
        if m.author_handle:
            author[m.author_handle] += 1
    out.update(
        category=_top(category),
        watchlist=_top(watchlist),
        place=_top(place),
        author=_top(author),
        scanned=read,
        exact=read < SCAN_LIMIT,
    )
    return out


# -- export -------------------------------------------------------------------------------


def safe_cell(value: Any) -> str:
    """A CSV cell a spreadsheet will not run as a formula (OWASP: prefix a quote)."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def csv_row(m: Mention, query_names: dict[int, str] | None = None) -> list[str]:
    """One CSV line; ``query_names`` (the workspace's queries) names the queries matched
    and keeps other workspaces' ids out."""
    a = m.author
    names = query_names or {}
    own = [q for q in dict.fromkeys(m.query_ids) if not names or q in names]
    categories = dict.fromkeys(  # one label once, even when two signals gave it
        str(c.get("label") or c.get("name") or "") for c in m.categories
    )
    cells: list[Any] = [
        m.id,
        m.created_at.isoformat(),
        m.platform,
        m.kind,
        m.lang,
        a.handle if a else "",
        a.name if a else "",
        m.text,
        m.url,
        m.sentiment_label or "",
        m.engagement.likes,
        m.engagement.reposts,
        m.engagement.replies,
        m.engagement.quotes,
        m.engagement.views,
        m.place,
        m.country,
        "|".join(c for c in categories if c),
        "|".join(dict.fromkeys(m.watchlists)),
        "|".join(names.get(q, str(q)) for q in own),
        "|".join(str(q) for q in own),
    ]
    return [safe_cell(c) for c in cells]


def _pages(
    store: Store, query: str | None, ctx: WorkspaceContext, source: Iterator[Mention] | None,
    **kw: Any,
) -> Iterator[list[Mention]]:  # fmt: skip
    """The search's matches page after page (keyset cursor), or ``source``'s in pages."""
    if source is not None:
        while page := list(islice(source, EXPORT_PAGE)):
            yield page
        return
    cursor: str | None = None
    while True:
        page, cursor = store.dashboard.search_page(
            query, workspace_id=ctx.workspace_id, after=cursor, limit=EXPORT_PAGE, **kw
        )
        yield page
        if cursor is None:
            return


def iter_export(
    store: Store,
    query: str | None,
    ctx: WorkspaceContext,
    fmt: str,
    source: Iterator[Mention] | None = None,
    **kw: Any,
) -> Iterator[bytes]:
    """Every match, page after page, so memory stays flat; ``source`` (the search
    narrowed to a story or place) replaces the plain search."""
    names = {
        q.id: q.name for q in store.workspaces.list_queries(ctx.workspace_id) if q.id is not None
    }
    if fmt == "csv":
        buf = io.StringIO()
        writer = csv.writer(buf)
        writer.writerow(CSV_COLUMNS)
        yield ("\ufeff" + buf.getvalue()).encode("utf-8")  # BOM: Excel reads UTF-8
    for page in _pages(store, query, ctx, source, **kw):
        if fmt == "csv":
            buf = io.StringIO()
            writer = csv.writer(buf)
            writer.writerows(csv_row(m, names) for m in page)
            yield buf.getvalue().encode("utf-8")
        else:
            yield b"".join(orjson.dumps(mention_json(m), default=str) + b"\n" for m in page)


@router.get("/workspaces/{slug}/export", tags=["mentions"], response_class=StreamingResponse)
def export(
    ctx: View, request: Request, f: Filters, format: Literal["csv", "jsonl"] = "csv"
) -> StreamingResponse:
    """Every mention of the search, streamed as CSV (formula-safe) or JSON lines;
    narrowed to a ``story``, ``city`` or ``departement`` as ``/explore/mentions``."""
    query = f.query()
    if query:
        parse(query)  # a syntax error answers 400 before the stream starts
    t0, t1 = f.window()
    kw = {"since": t0, "until": t1, "sentiment": f.sentiment}
    store = store_of(request)
    source: Iterator[Mention] | None = None
    if f.narrowed:
        check_story(store, ctx, f.story)  # a 404 before the stream starts
        source = iter_narrowed(store, ctx, f)
    media = "text/csv; charset=utf-8" if format == "csv" else "application/x-ndjson"
    name = f"{ctx.workspace.slug}-mentions.{format}"
    return StreamingResponse(
        iter_export(store, query, ctx, format, source, **kw),
        media_type=media,
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


# -- one mention --------------------------------------------------------------------------


def _visible(
    mentions: MentionStore, ctx: WorkspaceContext, mention_id: str | None
) -> Mention | None:
    if not mention_id or ctx.workspace_id not in mentions.mention_workspace_ids(mention_id):
        return None
    return mentions.get_mention(mention_id)


def mention_detail(store: Store, ctx: WorkspaceContext, mention_id: str) -> dict[str, Any]:
    m = _visible(store.mentions, ctx, mention_id)
    if m is None:
        raise ApiError(
            404,
            "not_found",
            M_("No mention %(mention_id)r in this workspace.", mention_id=mention_id),
        )
    thread = store.mentions.mention_thread(m.id, ctx.workspace_id)
    related = {
        "parent": m.reply_to,
        "quoted": m.quote_of,
        "reposted": m.repost_of,
        "root": m.root_id if m.root_id not in (m.id, m.reply_to) else None,
    }
    context: dict[str, Any] = {}
    for name, rid in related.items():
        other = _visible(store.mentions, ctx, rid)
        # an id the workspace cannot see is shown as an id, never as content
        context[name] = (
            {"id": rid, "mention": mention_json(other) if other else None} if rid else None
        )
    author = None
    if m.author is not None:
        author = {
            "id": m.author.id,
            "platform": m.author.platform,
            "handle": m.author.handle,
            "name": m.author.name,
            "followers": m.author.followers,
            "following": m.author.following,
            "verified": m.author.verified,
            "location": m.author.location,
            "description": m.author.description,
            "created_at": m.author.created_at.isoformat() if m.author.created_at else None,
            "mentions_here": _author_count(store.mentions, ctx, m.author_handle),
        }
    out: dict[str, Any] = {
        "mention": mention_json(m),
        "author": author,
        "thread": {
            **context,
            "replies": [mention_json(r) for r in thread["replies"]],
            "quotes": [mention_json(r) for r in thread["quotes"]],
        },
        "evidence": None,
    }
    if can_see_evidence(ctx):
        out["evidence"] = evidence(m)
    return out


def _author_count(mentions: MentionStore, ctx: WorkspaceContext, handle: str) -> int | None:
    if not handle:
        return None
    try:
        return mentions.count(f'author:"{handle}"', workspace_id=ctx.workspace_id)
    except QuerySyntaxError:  # a handle the query language cannot spell
        return None


def evidence(m: Mention) -> dict[str, Any]:
    return {
        "raw": mention_to_dict(m, include_raw=True).get("raw"),
        "raw_sha256": m.raw_sha256,
        "collected_at": m.collected_at.isoformat(),
        "collected_via": m.collected_via,
    }


# Mention ids may hold slashes (Bluesky at:// URIs, URLs): ":path" routes them, and the
# /raw route is declared first so that the greedy id does not swallow it.
@router.get(
    "/workspaces/{slug}/mentions/{mention_id:path}/raw", response_model=RawOut, tags=["mentions"]
)
def get_raw(ctx: View, request: Request, mention_id: str) -> dict[str, Any]:
    """The payload as captured, its SHA-256 and capture time (legal and admin only)."""
    if not can_see_evidence(ctx):
        raise ApiError(
            403,
            "forbidden",
            M_(
                "Your role in this workspace (%(value)s) cannot see raw payloads.",
                value=ctx.role.value,
            ),
        )
    m = _visible(store_of(request).mentions, ctx, mention_id)
    if m is None:
        raise ApiError(
            404,
            "not_found",
            M_("No mention %(mention_id)r in this workspace.", mention_id=mention_id),
        )
    return {"id": m.id, **evidence(m)}


@router.get(
    "/workspaces/{slug}/mentions/{mention_id:path}", response_model=MentionDetail, tags=["mentions"]
)
async def get_mention(ctx: View, request: Request, mention_id: str) -> dict[str, Any]:
    """A mention with its thread (parent, root, quoted, replies, quotes) and author card;
    ``evidence`` (raw payload, capture hash and time) for the legal and admin roles."""
    return await run_in_threadpool(mention_detail, store_of(request), ctx, mention_id)
