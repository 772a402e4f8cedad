"""Incident pages (issue 14, item 4): the list, most important first with why, and one
incident's page (status, owner, playbook checklist, alerts and stories ranked, timeline,
on-call pages). Server-rendered in the reader's locale (gettext) and the workspace's time
zone; the buttons call the REST API (:mod:`socialhub.web.incidents_api`) from
``static/incident.js``."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse

from socialhub.alerts.titles import localise_title
from socialhub.i18n import M_, N_, _, current_locale, use_locale
from socialhub.records.oncall import subject_of
from socialhub.web.access import ApiError, WorkspaceContext, store_of, workspace
from socialhub.web.incidents_api import incident_detail
from socialhub.web.pages import workspace_page
from socialhub.web.story_text import localise_parts

router = APIRouter(include_in_schema=False)

View = Annotated[WorkspaceContext, Depends(workspace("view"))]
RowId = Annotated[int, Path(ge=1, le=2**63 - 1)]


def why(explanation: list[dict[str, Any]], n: int = 2) -> str:
    """The ``n`` components that weigh most, as one line."""
    parts = sorted(explanation, key=lambda p: -float(p.get("points", 0)))[:n]
    kept = [p for p in parts if float(p.get("points", 0)) > 0]
    return " · ".join(str(p["why"]) for p in localise_parts(kept))


# What the timeline's kinds, states and statuses read (values shown through _())
EVENT_KINDS = (
    N_("opened"), N_("alert added"), N_("story added"), N_("acknowledged"), N_("owner"),
    N_("status"), N_("note"), N_("step done"), N_("step undone"), N_("monitoring proposed"),
)  # fmt: skip
# the built-in playbooks' names (alerts/incident_settings.py); a workspace's own pass as named
PLAYBOOK_NAMES = (N_("outage"), N_("rumour"), N_("generic"))


def actor(name: str) -> str:
    """Who did it: a username, or the hub itself ("system")."""
    return _("system") if name == "system" else name


def _page(ctx: WorkspaceContext, name: str, title: str, **extra: Any) -> HTMLResponse:
    with use_locale(current_locale(), ctx.workspace.timezone):
        return workspace_page(
            name,
            ctx,
            title,
            can_act=ctx.can("alerts.triage"),
            section="incidents",
            why=why,
            why_parts=localise_parts,
            alert_title=localise_title,
            actor=actor,
            **extra,
        )


@router.get("/w/{slug}/incidents")
async def incidents_page(request: Request, ctx: View) -> HTMLResponse:
    store = store_of(request)
    active = await run_in_threadpool(
        store.incidents.list_incidents, ctx.workspace_id, status="active", limit=100
    )
    closed = await run_in_threadpool(
        store.incidents.list_incidents, ctx.workspace_id, status="closed", order="recent",
        limit=20,
    )  # fmt: skip
    return _page(
        ctx, "incidents.html", f"Incidents — {ctx.workspace.name}", active=active, closed=closed
    )


@router.get("/w/{slug}/incidents/{incident_id}")
async def incident_page(request: Request, ctx: View, incident_id: RowId) -> HTMLResponse:
    store = store_of(request)
    inc = await run_in_threadpool(store.incidents.get_incident, incident_id, ctx.workspace_id)
    if inc is None:
        raise ApiError(
            404, "not_found", M_("No incident %(id)s in this workspace.", id=incident_id)
        )
    detail = await run_in_threadpool(incident_detail, store, inc)
    events = await run_in_threadpool(store.incidents.timeline, incident_id)
    pages = await run_in_threadpool(store.oncall.list_pages, subject_of("incident", incident_id))
    return _page(
        ctx, "incident.html", f"Incident — {inc.title}", inc=inc, d=detail, events=events,
        pages=pages,
    )  # fmt: skip
