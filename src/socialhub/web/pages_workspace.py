"""HTML pages of a workspace beyond the dashboard: explore, a mention, walls, admin, and
the kiosk wall itself. Shells like :mod:`socialhub.web.pages`: the data comes from the
API through each page's script (``textContent`` only), roles are checked by the same
dependency as the API."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse

from socialhub.i18n import _
from socialhub.store.legal import REASONS
from socialhub.web.access import WorkspaceContext, store_of, workspace
from socialhub.web.explore import can_see_evidence
from socialhub.web.locale_web import js_catalogue
from socialhub.web.pages import example_query, templates, workspace_page
from socialhub.web.wall import Kiosk

router = APIRouter(include_in_schema=False)

View = Annotated[WorkspaceContext, Depends(workspace("view"))]
Admin = Annotated[WorkspaceContext, Depends(workspace("workspace.admin"))]


def _page(name: str, ctx: WorkspaceContext, title: str, **extra: Any) -> HTMLResponse:
    return workspace_page(name, ctx, title, can_legal=ctx.can("legal.manage"), **extra)


@router.get("/w/{slug}/explore")
def explore_page(ctx: View, request: Request) -> HTMLResponse:
    return _page(
        "explore.html",
        ctx,
        _("Explore") + f" — {ctx.workspace.name}",
        section="explore",
        example_query=example_query(store_of(request), ctx.workspace_id),
    )


@router.get("/w/{slug}/m/{mention_id:path}")  # ids may hold slashes (at:// URIs)
def mention_page(ctx: View, mention_id: str, sent: int | None = None) -> HTMLResponse:
    return _page(
        "mention.html",
        ctx,
        _("Mention") + f" — {ctx.workspace.name}",
        section="explore",
        mention_id=mention_id,
        evidence=can_see_evidence(ctx),
        can_send_legal=ctx.can("legal.send"),
        reasons=REASONS,
        sent=sent,
    )


@router.get("/w/{slug}/alerts")
def alerts_page(ctx: View) -> HTMLResponse:
    return _page(
        "alerts.html",
        ctx,
        _("Alerts") + f" — {ctx.workspace.name}",
        section="alerts",
        can_triage=ctx.can("alerts.triage"),
    )


@router.get("/w/{slug}/walls")
def walls_page(ctx: View) -> HTMLResponse:
    return _page("walls.html", ctx, _("Walls") + f" — {ctx.workspace.name}", section="walls")


@router.get("/w/{slug}/admin")
def admin_page(ctx: Admin) -> HTMLResponse:
    return _page("admin.html", ctx, _("Admin") + f" — {ctx.workspace.name}", section="admin")


@router.get("/wall/{slug}/{wall}")
def kiosk_page(opened: Kiosk, request: Request) -> HTMLResponse:
    """The wall itself: full screen, no header; opened by its key or a member's session."""
    ctx, layout = opened
    html = templates.get_template("wall.html").render(
        ws=ctx.workspace,
        wall=layout["name"],
        title=layout.get("title") or ctx.workspace.name,
        echarts=request.app.state.echarts is not None,
        js_i18n=js_catalogue(),
    )
    # the key is in the URL: never send it on as a Referer
    return HTMLResponse(
        html, headers={"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"}
    )
