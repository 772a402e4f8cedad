"""Stories in the web app: the REST API and two server-rendered pages (the ranked list
with why each story matters, and one story's page). Members of the workspace (role
``view``) read them; every text is escaped by the templates' autoescape."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse

from socialhub.i18n import M_, _
from socialhub.records.stories import StoryRecord
from socialhub.store.legal import REASONS
from socialhub.store.stories import ORDERS, StoryStore
from socialhub.web.access import ApiError, WorkspaceContext, store_of, workspace
from socialhub.web.pages import workspace_page
from socialhub.web.responses import StoryOut
from socialhub.web.responses_features import StoryList, StoryMentions
from socialhub.web.story_text import localise_parts, localise_reason

router = APIRouter()

View = Annotated[WorkspaceContext, Depends(workspace("view"))]
RowId = Annotated[int, Path(ge=1, le=2**63 - 1)]
Order = Annotated[str, Query(pattern="^(" + "|".join(ORDERS) + ")$")]


def _repo(request: Request) -> StoryStore:
    return store_of(request).stories


async def _story(request: Request, ctx: WorkspaceContext, story_id: int) -> StoryRecord:
    assert ctx.workspace.id is not None
    rec = await run_in_threadpool(_repo(request).get, ctx.workspace.id, story_id)
    if rec is None:
        raise ApiError(
            404, "not_found", M_("No story %(story_id)s in this workspace.", story_id=story_id)
        )
    return rec


@router.get("/api/workspaces/{slug}/stories", response_model=StoryList, tags=["stories"])
async def list_stories(
    request: Request,
    ctx: View,
    order: Order = "importance",
    since: datetime | None = None,
    until: datetime | None = None,
    min_size: Annotated[int, Query(ge=1, le=1_000_000)] = 3,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> dict[str, Any]:
    """Stories active in the window, most important first, each with its explanation."""
    assert ctx.workspace.id is not None
    stories = await run_in_threadpool(
        _repo(request).list_stories,
        ctx.workspace.id,
        since=since,
        until=until,
        order=order,
        min_size=min_size,
        limit=limit,
    )
    return {"items": [s.to_dict() for s in stories]}


@router.get("/api/workspaces/{slug}/stories/{story_id}", response_model=StoryOut, tags=["stories"])
async def get_story(request: Request, ctx: View, story_id: RowId) -> dict[str, Any]:
    return (await _story(request, ctx, story_id)).to_dict()


@router.get(
    "/api/workspaces/{slug}/stories/{story_id}/mentions",
    response_model=StoryMentions,
    tags=["stories"],
)
async def story_mentions(
    request: Request,
    ctx: View,
    story_id: RowId,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> dict[str, Any]:
    """The story's stored mentions, newest first."""
    rec = await _story(request, ctx, story_id)
    assert rec.id is not None and ctx.workspace.id is not None
    page = await run_in_threadpool(
        _repo(request).mentions, ctx.workspace.id, rec.id, limit=limit, offset=offset
    )
    return {"items": [_mention(m) for m in page]}


def _mention(m: Any) -> dict[str, Any]:
    return {
        "id": m.id,
        "platform": m.platform,
        "kind": m.kind,
        "author": m.author_handle,
        "text": m.text,
        "url": m.url,
        "created_at": m.created_at.isoformat(),
        "sentiment": m.sentiment_label,
    }


# -- pages --------------------------------------------------------------------------


def _page(ctx: WorkspaceContext, name: str, title: str, **extra: Any) -> HTMLResponse:
    return workspace_page(name, ctx, title, section="stories", **extra)


def _local(when: datetime, tz: ZoneInfo) -> str:
    return when.astimezone(tz).strftime("%Y-%m-%d %H:%M")


@router.get("/w/{slug}/stories", include_in_schema=False)
async def stories_page(request: Request, ctx: View) -> HTMLResponse:
    assert ctx.workspace.id is not None
    stories = await run_in_threadpool(
        _repo(request).list_stories, ctx.workspace.id, min_size=3, limit=100
    )
    tz = ZoneInfo(ctx.workspace.timezone)
    rows = [
        {"s": s, "first": _local(s.first_seen, tz), "last": _local(s.last_seen, tz),
         "why": _why(s)}
        for s in stories
    ]  # fmt: skip
    return _page(ctx, "stories.html", _("Stories") + f" — {ctx.workspace.name}", rows=rows)


@router.get("/w/{slug}/stories/{story_id}", include_in_schema=False)
async def story_page(
    request: Request, ctx: View, story_id: RowId, sent: int | None = None
) -> HTMLResponse:
    rec = await _story(request, ctx, story_id)
    assert rec.id is not None and ctx.workspace.id is not None
    posts = await run_in_threadpool(_repo(request).mentions, ctx.workspace.id, rec.id, limit=50)
    tz = ZoneInfo(ctx.workspace.timezone)
    return _page(
        ctx,
        "story.html",
        _("Story") + f" — {ctx.workspace.name}",
        s=rec,
        first=_local(rec.first_seen, tz),
        last=_local(rec.last_seen, tz),
        peak=_local(rec.peak_at, tz),
        why=localise_parts(sorted(rec.explanation, key=lambda p: -float(p.get("points", 0)))),
        posts=[{"m": m, "at": _local(m.created_at, tz)} for m in posts],
        can_send_legal=ctx.can("legal.send"),
        reasons=REASONS,
        sent=sent,
    )


def _why(s: StoryRecord) -> str:
    """The two components that weigh most, as one line."""
    parts = sorted(s.explanation, key=lambda p: -float(p.get("points", 0)))[:2]
    return " · ".join(
        localise_reason(str(p.get("why", ""))) for p in parts if float(p.get("points", 0)) > 0
    )
