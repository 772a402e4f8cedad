"""Incidents in the REST API (issue 14, item 4): list (most important first), one
incident with its alerts, stories, timeline and on-call pages, and what people do with
it. Members of the workspace (role ``view``) read; triagers (admin, analyst) act. Every
write needs the session's CSRF token (checked by :mod:`socialhub.web.access`) or an API
token, and is written to the incident's timeline and to the hash-chained audit log.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.types import DecoratedCallable
from pydantic import BaseModel, Field

from socialhub.alerts.incidents import IncidentDesk, IncidentError
from socialhub.i18n import M_
from socialhub.records.incidents import Incident
from socialhub.records.oncall import subject_of
from socialhub.store.base import Store
from socialhub.store.incidents import ORDERS
from socialhub.web.access import ApiError, WorkspaceContext, store_of, workspace
from socialhub.web.responses_incidents import IncidentDetail, IncidentList

router = APIRouter()

View = Annotated[WorkspaceContext, Depends(workspace("view"))]
Triage = Annotated[WorkspaceContext, Depends(workspace("alerts.triage"))]
RowId = Annotated[int, Path(ge=1, le=2**63 - 1)]
StepId = Annotated[str, Path(min_length=1, max_length=80)]


def desk_of(request: Request) -> IncidentDesk:
    return IncidentDesk(store_of(request), clock=request.app.state.auth.clock)


def incident_detail(store: Store, inc: Incident) -> dict[str, Any]:
    """An incident with what it groups, its timeline and pages: what the incident page,
    the war room and the crisis report read (see docs/incidents.md)."""
    assert inc.id is not None
    alerts = [store.alerts.get_alert(i) for i in store.incidents.alert_ids(inc.id)]
    stories = [store.stories.get(inc.workspace_id, i) for i in store.incidents.story_ids(inc.id)]
    ranked = sorted((a for a in alerts if a is not None), key=lambda a: -a.importance)
    return {
        **inc.to_dict(),
        "alerts": [a.to_dict() for a in ranked],
        "stories": [
            s.to_dict()
            for s in sorted((s for s in stories if s is not None), key=lambda s: -s.importance)
        ],
        "timeline": [e.to_dict() for e in store.incidents.timeline(inc.id)],
        "pages": [p.to_dict() for p in store.oncall.list_pages(subject_of("incident", inc.id))],
    }


def _action(path: str, **kw: Any) -> Callable[[DecoratedCallable], DecoratedCallable]:
    """The POST route of one thing people do with an incident: it answers the incident
    with what it groups (:class:`IncidentDetail`)."""
    return router.post(
        f"/api/workspaces/{{slug}}/incidents{path}",
        response_model=IncidentDetail,
        tags=["incidents"],
        **kw,
    )


async def _act(
    request: Request, ctx: WorkspaceContext, action: Callable[[IncidentDesk, str], Incident]
) -> dict[str, Any]:
    """Run ``action(desk, who)`` as the caller, off the event loop (the desk writes the
    timeline and the audit entry); unknown incident → 404, a refused move → 409."""
    desk = desk_of(request)
    who = ctx.principal.user.username

    def run() -> dict[str, Any]:
        try:
            inc = action(desk, who)
        except KeyError as exc:
            raise ApiError(404, "not_found", str(exc).strip("'\"")) from exc
        except IncidentError as exc:
            raise ApiError(409, "conflict", exc) from exc
        return incident_detail(store_of(request), inc)

    return await run_in_threadpool(run)


@router.get("/api/workspaces/{slug}/incidents", response_model=IncidentList, tags=["incidents"])
async def list_incidents(
    request: Request,
    ctx: View,
    status: Literal["active", "open", "monitoring", "closed", "all"] = "active",
    order: Annotated[str, Query(pattern="^(" + "|".join(ORDERS) + ")$")] = "importance",
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> dict[str, Any]:
    """Incidents of the workspace, most important first (``active``: open or monitoring)."""
    found = await run_in_threadpool(
        store_of(request).incidents.list_incidents,
        ctx.workspace_id,
        status=None if status == "all" else status,
        order=order,
        limit=limit,
    )
    return {"items": [i.to_dict() for i in found]}


@router.get(
    "/api/workspaces/{slug}/incidents/{incident_id}",
    response_model=IncidentDetail,
    tags=["incidents"],
)
async def get_incident(request: Request, ctx: View, incident_id: RowId) -> dict[str, Any]:
    """One incident with its alerts and stories (most important first), timeline, pages."""
    store = store_of(request)
    inc = await run_in_threadpool(store.incidents.get_incident, incident_id, ctx.workspace_id)
    if inc is None:
        raise ApiError(
            404, "not_found", M_("No incident %(id)s in this workspace.", id=incident_id)
        )
    return await run_in_threadpool(incident_detail, store, inc)


class OpenIn(BaseModel):
    title: str = Field(min_length=1, max_length=300)
    severity: int = Field(8, ge=1, le=10)
    category: str = Field("", max_length=60)
    alert_ids: list[Annotated[int, Field(ge=1, le=2**63 - 1)]] = Field(
        default_factory=list, max_length=200
    )
    story_ids: list[Annotated[int, Field(ge=1, le=2**63 - 1)]] = Field(
        default_factory=list, max_length=200
    )


@_action("", status_code=201)
async def open_incident(request: Request, ctx: Triage, body: OpenIn) -> dict[str, Any]:
    """Open an incident by hand (admin, analyst), with its playbook for ``category``."""
    return await _act(request, ctx, lambda desk, who: desk.open(
        ctx.workspace_id, body.title, who, severity=body.severity, category=body.category,
        alert_ids=body.alert_ids, story_ids=body.story_ids,
    ))  # fmt: skip


@_action("/{incident_id}/ack")
async def acknowledge(request: Request, ctx: Triage, incident_id: RowId) -> dict[str, Any]:
    """Acknowledge: stops the on-call escalation; the acknowledger owns it if nobody did."""
    return await _act(
        request, ctx, lambda desk, who: desk.acknowledge(incident_id, ctx.workspace_id, who)
    )


class StatusIn(BaseModel):
    status: Literal["open", "monitoring", "closed"]
    note: str = Field("", max_length=2000)


@_action("/{incident_id}/status")
async def set_status(
    request: Request, ctx: Triage, incident_id: RowId, body: StatusIn
) -> dict[str, Any]:
    """Move the incident (open ↔ monitoring → closed; closed → open). Only people close."""
    return await _act(request, ctx, lambda desk, who: desk.set_status(
        incident_id, ctx.workspace_id, body.status, who, body.note
    ))  # fmt: skip


class OwnerIn(BaseModel):
    owner: str = Field(max_length=80)


@_action("/{incident_id}/owner")
async def set_owner(
    request: Request, ctx: Triage, incident_id: RowId, body: OwnerIn
) -> dict[str, Any]:
    return await _act(request, ctx, lambda desk, who: desk.set_owner(
        incident_id, ctx.workspace_id, body.owner, who
    ))  # fmt: skip


class StepIn(BaseModel):
    done: bool = True


@_action("/{incident_id}/steps/{step_id}")
async def tick_step(
    request: Request, ctx: Triage, incident_id: RowId, step_id: StepId, body: StepIn
) -> dict[str, Any]:
    """Tick or untick one playbook step (written to the timeline)."""
    return await _act(request, ctx, lambda desk, who: desk.step(
        incident_id, ctx.workspace_id, step_id, body.done, who
    ))  # fmt: skip


class NoteIn(BaseModel):
    text: str = Field(min_length=1, max_length=5000)


@_action("/{incident_id}/notes")
async def add_note(
    request: Request, ctx: Triage, incident_id: RowId, body: NoteIn
) -> dict[str, Any]:
    return await _act(
        request, ctx, lambda desk, who: desk.note(incident_id, ctx.workspace_id, body.text, who)
    )


class LinkIn(BaseModel):
    kind: Literal["alert", "story"]
    ref_id: int = Field(ge=1, le=2**63 - 1)


@_action("/{incident_id}/links")
async def group(request: Request, ctx: Triage, incident_id: RowId, body: LinkIn) -> dict[str, Any]:
    """Group an alert or a story of the workspace under the incident."""
    return await _act(request, ctx, lambda desk, who: desk.group(
        incident_id, ctx.workspace_id, body.kind, body.ref_id, who
    ))  # fmt: skip
