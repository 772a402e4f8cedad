"""The wall of screens: kiosk API (read-only token, no login) and its administration.

A kiosk opens ``/wall/{slug}/{wall}?key=shwall_...``: the key (created by an admin of
the workspace, stored as its SHA-256, revocable) opens that one wall of that one
workspace, and only through the GET routes under ``/api/kiosk``: it is not an API
token, so every other route refuses it. A logged-in member of the workspace can open
the same wall without a key (admins preview walls that way).

Layouts are data (:mod:`socialhub.web.wall_layout`); mentions arrive over SSE and the
panels' figures are refreshed by polling the state route.
"""

from __future__ import annotations

import heapq
import secrets
from datetime import timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from socialhub.i18n import M_, Joined, set_locale
from socialhub.models import Role, User
from socialhub.records.sessions import WallToken
from socialhub.web import api
from socialhub.web.access import ApiError, WorkspaceContext, principal, store_of, workspace
from socialhub.web.admin_api import RowId
from socialhub.web.auth import Principal
from socialhub.web.live_scope import WorkspaceScope, member_still_allowed, wall_key_still_allowed
from socialhub.web.responses import Revoked
from socialhub.web.responses_features import NewWallKey, WallList, WallsSaved, WallState
from socialhub.web.search_filters import parse_time
from socialhub.web.security import SESSION_COOKIE, digest
from socialhub.web.wall_layout import (
    SETTING,
    find_wall,
    is_crisis,
    validate_walls,
    walls_from_setting,
)
from socialhub.web.warroom_web import load, load_incident

router = APIRouter(prefix="/api")

WALL_TOKEN_PREFIX = "shwall_"
Admin = Annotated[WorkspaceContext, Depends(workspace("workspace.admin"))]
View = Annotated[WorkspaceContext, Depends(workspace("view"))]
Key = Annotated[
    str | None,
    Query(max_length=200, description="The wall's kiosk key (or a logged-in session)."),
]
TOP_POSTS = 8
TOP_POSTS_SCAN = 1000  # newest mentions of the window ranked by engagement


def new_wall_key() -> str:
    return WALL_TOKEN_PREFIX + secrets.token_urlsafe(32)


async def kiosk(
    slug: str, wall: str, request: Request, key: Key = None
) -> tuple[WorkspaceContext, dict[str, Any]]:
    """The workspace and wall a kiosk key (or a member's session) opens."""
    store = store_of(request)
    ws = await run_in_threadpool(store.workspaces.get_workspace, slug)
    if key:
        token = await run_in_threadpool(store.walls.find_wall_token, digest(key))
        if token is None or ws is None or token.workspace_id != ws.id or token.wall != wall:
            # one answer for a wrong, revoked or other-wall key: nothing to enumerate
            raise ApiError(401, "unauthorized", M_("Invalid or revoked wall key."))
        who = Principal(User(f"wall:{wall}"), False, {token.workspace_id: Role.VIEWER}, "wall")
    else:
        if request.method != "GET":
            raise ApiError(405, "method_not_allowed", M_("The wall is read-only."))
        who = await principal(request, None, request.cookies.get(SESSION_COOKIE))
    role = None if ws is None or ws.id is None else who.role_in(ws.id)
    if ws is None or role is None:
        raise ApiError(404, "not_found", M_("No workspace %(slug)r among yours.", slug=slug))
    set_locale(ws.locale, ws.timezone)  # a wall speaks its workspace's language
    settings = await run_in_threadpool(store.workspaces.get_workspace_settings, ws.id or 0)
    layout = find_wall(settings.get(SETTING), wall)
    if layout is None:
        raise ApiError(404, "not_found", M_("No wall %(wall)r in this workspace.", wall=wall))
    return WorkspaceContext(who, ws, role), layout


Kiosk = Annotated[tuple[WorkspaceContext, dict[str, Any]], Depends(kiosk)]


def _top_posts(
    ctx: WorkspaceContext, request: Request, since: str, showcase: bool = False
) -> list[dict[str, Any]]:
    found = api.store_of(request).mentions.search(
        None, workspace_id=ctx.workspace_id, since=parse_time(since, "since"), limit=TOP_POSTS_SCAN
    )
    if showcase:
        found = [m for m in found if m.sentiment_label != "negative"]
    best = heapq.nlargest(TOP_POSTS, found, key=lambda m: (m.engagement.total(), m.created_at))
    return [api.mention_json(m) for m in best]


def _warroom(
    ctx: WorkspaceContext, layout: dict[str, Any], request: Request, since: str
) -> dict[str, Any]:
    """``{"warroom": the war-room of the workspace's open incident of highest importance,
    else of the window's most important story, or None}`` when the layout shows that
    panel; nothing otherwise."""
    shown = {p for screen in layout["screens"] for p in screen} | set(layout["crisis_panels"])
    if "warroom" not in shown or layout.get("mode") == "showcase":
        return {}
    store = store_of(request)
    incidents = store.incidents.list_incidents(
        ctx.workspace_id, status="open", order="importance", limit=1
    )
    if incidents and incidents[0].id is not None:
        data = load_incident(store, ctx.workspace_id, incidents[0].id, None, None)
        data["headline"] = incidents[0].title
        return {"warroom": data}
    top = store.stories.list_stories(
        ctx.workspace_id, since=parse_time(since, "since"), min_size=3, limit=1
    )
    if not top or top[0].id is None:
        return {"warroom": None}
    data = load(store, ctx.workspace_id, [top[0].id], [], related=True)
    data["headline"] = top[0].headline
    return {"warroom": data}


def wall_state(ctx: WorkspaceContext, layout: dict[str, Any], request: Request) -> dict[str, Any]:
    """Everything a wall shows at once: the layout, crisis mode and each panel's data."""
    store = store_of(request)
    now = request.app.state.auth.clock()
    since = (now - timedelta(hours=float(layout["hours"]))).isoformat()
    until = now.isoformat()
    alerts = store.alerts.list_alerts(
        workspace_id=ctx.workspace_id, state="active", limit=50, order="importance"
    )
    severe = [a for a in alerts if is_crisis(a, layout)]
    showcase = layout.get("mode") == "showcase"
    # a showcase wall (visitors) shows no alerts and leaves negative posts out
    recent, _total = store.dashboard.search_page(
        None, workspace_id=ctx.workspace_id, limit=60 if showcase else 20
    )
    if showcase:
        recent = [m for m in recent if m.sentiment_label != "negative"][:20]
        alerts = []
    return {
        "workspace": {
            "slug": ctx.workspace.slug,
            "name": ctx.workspace.name,
            "timezone": ctx.workspace.timezone,
        },
        "layout": layout,
        "crisis": bool(severe),
        "crisis_alerts": [api.alert_json(a) for a in severe],
        "generated_at": now.isoformat(),
        "panels": {
            "volume": api.volume(ctx, request, since=since, until=until, interval="hour"),
            "sentiment": api.sentiment_series(
                ctx, request, since=since, until=until, interval="hour"
            ),
            "share_of_voice": api.share_of_voice(ctx, request, since=since, until=until),
            "top_posts": {"items": _top_posts(ctx, request, since, showcase)},
            "alerts": {"items": [api.alert_json(a) for a in alerts]},
            "live": {"items": [api.mention_json(m) for m in recent]},
            **_warroom(ctx, layout, request, since),
        },
    }


@router.get("/kiosk/{slug}/{wall}", response_model=WallState, tags=["wall"])
def kiosk_state(opened: Kiosk, request: Request) -> dict[str, Any]:
    """A wall's layout, whether crisis mode is on, and every panel's data (read-only)."""
    ctx, layout = opened
    return wall_state(ctx, layout, request)


@router.get("/kiosk/{slug}/{wall}/live", tags=["wall"], response_class=StreamingResponse)
def kiosk_live(opened: Kiosk, request: Request, key: Key = None) -> StreamingResponse:
    """Server-sent events: ``mention`` for each new mention routed to the workspace
    (queries added later included); ``end`` once the key is revoked."""
    ctx, _layout = opened
    store = store_of(request)
    if key:
        allowed = wall_key_still_allowed(store.walls, key)
    else:
        allowed = member_still_allowed(
            store, ctx.principal, ctx.workspace_id, request.app.state.auth
        )
    return api.live_stream(request, WorkspaceScope(store, ctx.workspace_id, allowed))


# -- administration (workspace admins) ----------------------------------------------------


@router.get("/workspaces/{slug}/walls", response_model=WallList, tags=["wall"])
def list_walls(ctx: View, request: Request) -> dict[str, Any]:
    """The workspace's walls (defaults filled in); kiosk keys for admins."""
    store = store_of(request)
    settings = store.workspaces.get_workspace_settings(ctx.workspace_id)
    tokens = store.walls.list_wall_tokens(ctx.workspace_id) if ctx.can("workspace.admin") else []
    return {
        "items": walls_from_setting(settings.get(SETTING)),
        "configured": SETTING in settings,
        "tokens": [t.to_dict() for t in tokens],
    }


class WallsIn(BaseModel):
    walls: list[dict[str, Any]] = Field(max_length=50)


@router.put("/workspaces/{slug}/walls", response_model=WallsSaved, tags=["wall"])
def save_walls(ctx: Admin, request: Request, body: WallsIn) -> dict[str, Any]:
    """Replace the workspace's wall layouts (admin); answers 400 with every problem."""
    problems = validate_walls(body.walls)
    if problems:
        raise ApiError(400, "invalid_walls", Joined("; ", problems))
    store_of(request).workspaces.set_workspace_setting(ctx.workspace_id, SETTING, body.walls)
    return {"items": walls_from_setting(body.walls)}


class WallKeyIn(BaseModel):
    wall: str = Field(min_length=1, max_length=40)
    name: str = Field("", max_length=100, description="Which screen uses it.")


@router.post(
    "/workspaces/{slug}/walls/tokens", response_model=NewWallKey, status_code=201, tags=["wall"]
)
def add_wall_key(ctx: Admin, request: Request, body: WallKeyIn) -> dict[str, Any]:
    """A kiosk key for one wall: its value and URL are in this answer only."""
    store = store_of(request)
    if (
        find_wall(store.workspaces.get_workspace_settings(ctx.workspace_id).get(SETTING), body.wall)
        is None
    ):
        raise ApiError(404, "not_found", M_("No wall %(wall)r in this workspace.", wall=body.wall))
    value = new_wall_key()
    record = store.walls.add_wall_token(
        WallToken(
            ctx.workspace_id,
            body.wall,
            body.name.strip(),
            value[:12],
            request.app.state.auth.clock(),
            ctx.principal.user.username,
        ),
        digest(value),
    )
    url = f"/wall/{ctx.workspace.slug}/{body.wall}?key={value}"
    return {"token": value, "url": url, **record.to_dict()}


@router.delete("/workspaces/{slug}/walls/tokens/{token_id}", response_model=Revoked, tags=["wall"])
def revoke_wall_key(ctx: Admin, request: Request, token_id: RowId) -> Revoked:
    if not store_of(request).walls.revoke_wall_token(
        ctx.workspace_id, token_id, request.app.state.auth.clock()
    ):
        raise ApiError(
            404,
            "not_found",
            M_("No live wall key %(token_id)s in this workspace.", token_id=token_id),
        )
    return Revoked(revoked=token_id)
