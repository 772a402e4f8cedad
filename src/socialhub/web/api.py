"""The REST API under /api: everything the dashboard shows comes from here.

Times in and out are ISO 8601 (stored UTC); series are bucketed in the workspace's time
zone. Errors are ``{"error": code, "message": text}``. Workspace routes answer 404 for
a workspace the caller is not a member of (see :mod:`socialhub.web.access`).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, Field

from socialhub.alerts import render
from socialhub.alerts.manager import AlertManager, AlertStateError
from socialhub.analytics.share_of_voice import SETTING as SOV_SETTING
from socialhub.analytics.share_of_voice import Compared, compared_queries
from socialhub.i18n import M_
from socialhub.models import Mention, utcnow
from socialhub.records.alerts import Alert
from socialhub.serialize import mention_to_dict
from socialhub.store.base import DashboardStore, WorkspaceStore
from socialhub.store.dashboard import FACET_FIELDS
from socialhub.store.extent import mention_extent
from socialhub.web.access import (
    ApiError,
    WorkspaceContext,
    principal,
    store_of,
    workspace,
)
from socialhub.web.auth import Principal
from socialhub.web.live import LiveFeed
from socialhub.web.live_scope import (
    REFRESH_SECONDS,
    WorkspaceScope,
    member_still_allowed,
    mention_filter,
)
from socialhub.web.responses import (
    AlertList,
    AlertOut,
    AuthorList,
    Extent,
    Facets,
    MentionCount,
    MentionPage,
    SentimentOut,
    ShareOfVoice,
    VolumeOut,
    WorkspaceList,
    WorkspaceOut,
)
from socialhub.web.search_filters import (
    Plat,
    Q,
    Search,
    SearchFilters,
    Sentiment,
    Since,
    Until,
    facet_query,
    parse_time,
)
from socialhub.web.series import Buckets, auto_interval
from socialhub.web.story_text import localise_parts

router = APIRouter(prefix="/api")

View = Annotated[WorkspaceContext, Depends(workspace("view"))]
Triage = Annotated[WorkspaceContext, Depends(workspace("alerts.triage"))]
RowId = Annotated[int, Path(ge=1, le=2**63 - 1)]  # 64-bit ids: larger is a 422


def window(since: str | None, until: str | None) -> tuple[datetime, datetime]:
    end = parse_time(until, "until") or utcnow()
    start = parse_time(since, "since") or end - timedelta(days=7)
    if end <= start:
        raise ApiError(400, "bad_request", M_("until must be after since"))
    return start, end


def _buckets(
    ctx: WorkspaceContext, since: str | None, until: str | None, interval: str | None
) -> Buckets:
    start, end = window(since, until)
    try:
        return Buckets(start, end, interval or auto_interval(start, end), ctx.workspace.timezone)
    except ValueError as exc:
        raise ApiError(400, "bad_request", exc) from exc


def mention_json(m: Mention) -> dict[str, Any]:
    return mention_to_dict(m, include_raw=False)


# -- workspaces ---------------------------------------------------------------------------


def workspaces_of(workspaces: WorkspaceStore, who: Principal) -> list[dict[str, Any]]:
    out = []
    for ws in workspaces.list_workspaces():
        role = who.role_in(ws.id or 0)
        if role is not None:
            out.append(
                {"slug": ws.slug, "name": ws.name, "timezone": ws.timezone, "role": role.value}
            )
    return out


@router.get("/workspaces", response_model=WorkspaceList, tags=["workspaces"])
def list_workspaces(request: Request, who: Principal = Depends(principal)) -> dict[str, Any]:
    """The workspaces the caller can see, with their role in each."""
    return {"items": workspaces_of(store_of(request).workspaces, who)}


@router.get("/workspaces/{slug}", response_model=WorkspaceOut, tags=["workspaces"])
def get_workspace(ctx: View, request: Request) -> dict[str, Any]:
    store = store_of(request)
    queries = store.workspaces.list_queries(ctx.workspace_id)
    return {
        "slug": ctx.workspace.slug,
        "name": ctx.workspace.name,
        "timezone": ctx.workspace.timezone,
        "role": ctx.role.value,
        "can": {c: ctx.can(c) for c in ("view", "alerts.triage", "workspace.admin")},
        "queries": [
            {"id": q.id, "name": q.name, "definition": q.definition, "enabled": q.enabled}
            for q in queries
        ],
    }


# -- mentions -----------------------------------------------------------------------------


@router.get("/workspaces/{slug}/mentions", response_model=MentionPage, tags=["mentions"])
def mentions(
    ctx: View,
    request: Request,
    f: Search,
    cursor: Annotated[str | None, Query(description="next_cursor of the previous page")] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> dict[str, Any]:
    """Mentions newest first, with facet filters; page on with ``cursor``."""
    since, until = f.window()
    found, next_cursor = store_of(request).dashboard.search_page(
        f.query(),
        workspace_id=ctx.workspace_id,
        since=since,
        until=until,
        sentiment=f.sentiment,
        after=cursor,
        limit=limit,
    )
    return {"items": [mention_json(m) for m in found], "next_cursor": next_cursor}


@router.get("/workspaces/{slug}/count", response_model=MentionCount, tags=["mentions"])
def count(
    ctx: View, request: Request, q: Q = None, since: Since = None, until: Until = None
) -> MentionCount:
    n = store_of(request).mentions.count(
        q or None,
        workspace_id=ctx.workspace_id,
        since=parse_time(since, "since"),
        until=parse_time(until, "until"),
    )
    return MentionCount(count=n)


@router.get("/workspaces/{slug}/facets", response_model=Facets, tags=["mentions"])
def facets(ctx: View, request: Request, f: Search) -> dict[str, Any]:
    """Counts per platform, language and sentiment; each facet ignores its own filter so
    the other values stay visible."""
    return sql_facets(store_of(request).dashboard, ctx, f)


def sql_facets(
    dashboard: DashboardStore, ctx: WorkspaceContext, f: SearchFilters
) -> dict[str, Any]:
    """Exact counts per platform, language and sentiment; each facet ignores its own
    filter so the other values stay visible (shared with the explore page)."""
    since, until = f.window()
    chosen = {"platform": f.platform, "lang": f.lang, "sentiment": f.sentiment}
    out: dict[str, Any] = {}
    for field in FACET_FIELDS:
        others = {k: (None if k == field else v) for k, v in chosen.items()}
        rows = dashboard.facet_counts(
            field,
            facet_query(f.q, others["platform"], others["lang"]),
            workspace_id=ctx.workspace_id,
            since=since,
            until=until,
            sentiment=others["sentiment"],
        )
        out[field] = [{"value": v, "count": n} for v, n in rows]
    return out


# -- series -------------------------------------------------------------------------------

Interval = Annotated[
    Literal["hour", "day"] | None, Query(description="Bucket size (default: auto).")
]


@router.get("/workspaces/{slug}/volume", response_model=VolumeOut, tags=["series"])
def volume(
    ctx: View, request: Request, since: Since = None, until: Until = None, interval: Interval = None
) -> dict[str, Any]:
    """Mentions per bucket for each query of the workspace (local time zone)."""
    store = store_of(request)
    b = _buckets(ctx, since, until, interval)
    _start, end = window(since, until)
    per_query: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for qid, slot, n in store.dashboard.query_volume_slots(ctx.workspace_id, b.starts[0], end):
        per_query[qid].append((slot, n))
    series = [
        {"query_id": q.id, "name": q.name, "counts": b.fold(per_query.get(q.id or 0, []))}
        for q in store.workspaces.list_queries(ctx.workspace_id)
    ]
    return {
        "interval": b.interval,
        "timezone": ctx.workspace.timezone,
        "buckets": b.labels(),
        "series": series,
    }


@router.get("/workspaces/{slug}/sentiment", response_model=SentimentOut, tags=["series"])
def sentiment_series(
    ctx: View, request: Request, since: Since = None, until: Until = None, interval: Interval = None
) -> dict[str, Any]:
    """Mentions per bucket and sentiment label (``none``: not analysed)."""
    b = _buckets(ctx, since, until, interval)
    _start, end = window(since, until)
    per_label: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for label, slot, n in store_of(request).dashboard.sentiment_slots(
        ctx.workspace_id, b.starts[0], end
    ):
        per_label[label].append((slot, n))
    return {
        "interval": b.interval,
        "timezone": ctx.workspace.timezone,
        "buckets": b.labels(),
        "series": [{"label": k, "counts": b.fold(v)} for k, v in sorted(per_label.items())],
    }


@router.get("/workspaces/{slug}/share-of-voice", response_model=ShareOfVoice, tags=["series"])
def share_of_voice(
    ctx: View,
    request: Request,
    since: Since = None,
    until: Until = None,
    queries: Annotated[
        list[int] | None,
        Query(description="Query ids to compare (default: the declared brand and competitors)."),
    ] = None,
) -> dict[str, Any]:
    """Each compared query's share of their mentions in the window.

    By default the queries compared are the workspace's declared brand and competitors
    (setting ``share_of_voice``): summing overlapping queries would mean nothing.
    ``configured`` is false when the workspace declares none and no ``queries`` are given.
    """
    store = store_of(request)
    start, end = window(since, until)
    totals: dict[int, int] = defaultdict(int)
    for qid, _slot, n in store.dashboard.query_volume_slots(ctx.workspace_id, start, end):
        totals[qid] += n
    all_queries = store.workspaces.list_queries(ctx.workspace_id)
    if queries:
        chosen = [Compared(q, "chosen") for q in all_queries if q.id in queries]
    else:
        declared = store.workspaces.get_workspace_settings(ctx.workspace_id).get(SOV_SETTING)
        chosen = compared_queries(declared, all_queries)
    total = sum(totals[c.query.id or 0] for c in chosen)
    items = [
        {
            "query_id": c.query.id,
            "name": c.query.name,
            "role": c.role,
            "count": totals[c.query.id or 0],
            "share": round(totals[c.query.id or 0] / total, 4) if total else 0.0,
        }
        for c in chosen
    ]
    return {"configured": bool(chosen), "total": total, "items": items}


@router.get("/workspaces/{slug}/extent", response_model=Extent, tags=["series"])
def extent(ctx: View, request: Request) -> Extent:
    """The first and last mention of the workspace (null when it has none): where the data is."""
    ends = mention_extent(store_of(request).db, ctx.workspace_id)  # type: ignore[attr-defined]
    return Extent(
        first=ends[0].isoformat() if ends else None,
        last=ends[1].isoformat() if ends else None,
        timezone=ctx.workspace.timezone,
    )


@router.get("/workspaces/{slug}/authors", response_model=AuthorList, tags=["series"])
def top_authors(
    ctx: View,
    request: Request,
    since: Since = None,
    until: Until = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 10,
) -> dict[str, Any]:
    """Authors with the most mentions in the window, with their engagement."""
    start, end = window(since, until)
    rows = store_of(request).dashboard.top_authors(ctx.workspace_id, start, end, limit=limit)
    return {"items": [vars_of(r) for r in rows]}


def vars_of(obj: Any) -> dict[str, Any]:
    return {k: getattr(obj, k) for k in obj.__slots__}


# -- alerts -------------------------------------------------------------------------------

AlertState = Annotated[
    Literal["active", "open", "acknowledged", "resolved", "all"],
    Query(description="active: open or acknowledged; all: every state"),
]


@router.get("/workspaces/{slug}/alerts", response_model=AlertList, tags=["alerts"])
def alerts(
    ctx: View,
    request: Request,
    state: AlertState = "active",
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    order: Annotated[
        Literal["recent", "severity", "importance"],
        Query(
            description="recent: newest first; severity: most severe first, then newest; "
            "importance: most important first (extra.explanation says why)"
        ),
    ] = "recent",
    min_severity: Annotated[int, Query(ge=1, le=10)] = 1,
    detector: Annotated[str | None, Query(max_length=40)] = None,
    query_id: Annotated[int | None, Query(ge=1, le=2**63 - 1)] = None,
    since: Since = None,
    until: Until = None,
) -> dict[str, Any]:
    """Alerts of the workspace, filtered by state (``all``: every state), minimum severity,
    detector, query and period (by last signal); ``detectors`` lists those present."""
    start = parse_time(since, "since")
    end = parse_time(until, "until")
    found = store_of(request).alerts.list_alerts(
        workspace_id=ctx.workspace_id,
        state=None if state == "all" else state,
        since=start,
        limit=2000,
        order=order,
    )
    detectors = sorted({a.detector for a in found})
    kept = [
        a
        for a in found
        if a.severity >= min_severity
        and (detector is None or a.detector == detector)
        and (query_id is None or a.query_id == query_id)
        and (end is None or a.last_t < end)
    ]
    return {
        "items": [alert_json(a) for a in kept[:limit]],
        "total": len(kept),
        "detectors": detectors,
    }


def alert_json(alert: Alert) -> dict[str, Any]:
    """An alert as stored, plus ``display_title``: its title in the request's language."""
    data = alert.to_dict()
    data["display_title"] = render.title(alert)
    # importance reasons are stored as English sentences: rebuilt in the reader's language
    data["display_explanation"] = localise_parts(list((alert.extra or {}).get("explanation") or []))
    return data


class ResolveIn(BaseModel):
    note: str = Field("", max_length=2000)


def _alert_action(
    ctx: WorkspaceContext, request: Request, alert_id: int, note: str | None
) -> dict[str, Any]:
    store = store_of(request)
    alert = store.alerts.get_alert(alert_id)
    if alert is None or alert.workspace_id != ctx.workspace_id:
        raise ApiError(
            404, "not_found", M_("No alert %(alert_id)s in this workspace.", alert_id=alert_id)
        )
    manager = AlertManager(store)
    by = ctx.principal.user.username
    now = request.app.state.auth.clock()
    try:
        if note is None:
            done = manager.acknowledge(alert_id, by, at=now)
        else:
            done = manager.resolve(alert_id, by, at=now, note=note)
    except AlertStateError as exc:
        raise ApiError(409, "conflict", exc) from exc
    return alert_json(done)


@router.post("/workspaces/{slug}/alerts/{alert_id}/ack", response_model=AlertOut, tags=["alerts"])
def ack_alert(ctx: Triage, request: Request, alert_id: RowId) -> dict[str, Any]:
    """Acknowledge an open alert (admin, analyst)."""
    return _alert_action(ctx, request, alert_id, None)


@router.post(
    "/workspaces/{slug}/alerts/{alert_id}/resolve", response_model=AlertOut, tags=["alerts"]
)
def resolve_alert(
    ctx: Triage, request: Request, alert_id: RowId, body: ResolveIn | None = None
) -> dict[str, Any]:
    """Resolve an open or acknowledged alert (admin, analyst)."""
    return _alert_action(ctx, request, alert_id, body.note if body else "")


# -- live ---------------------------------------------------------------------------------


@router.get("/workspaces/{slug}/live", tags=["live"], response_class=StreamingResponse)
def live(
    ctx: View,
    request: Request,
    q: Q = None,
    platform: Plat = None,
    lang: Plat = None,
    sentiment: Sentiment | None = None,
) -> StreamingResponse:
    """Server-sent events: ``mention`` events for mentions routed to this workspace's
    queries (including queries added after the stream opened), narrowed by the optional
    filters (``q`` in the query language); ``end`` when the caller's access ends
    (logout, deactivation, role removed)."""
    store = store_of(request)
    keep = mention_filter(
        store.workspaces, ctx.workspace_id, q=q, platform=platform, lang=lang, sentiment=sentiment
    )
    allowed = member_still_allowed(store, ctx.principal, ctx.workspace_id, request.app.state.auth)
    return live_stream(request, WorkspaceScope(store, ctx.workspace_id, allowed, keep))


def live_stream(request: Request, scope: WorkspaceScope) -> StreamingResponse:
    """The SSE response of a live client kept current by its scope."""
    feed: LiveFeed = request.app.state.live
    scope.load()
    return StreamingResponse(
        feed.subscribe(
            accept=scope.accept,
            refresh=scope.refresh,
            refresh_every=getattr(request.app.state, "live_refresh", REFRESH_SECONDS),
        ),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )
