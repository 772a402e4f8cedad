"""The engagement REST API: inbox, drafts, approvals, measures, audit (JSON).

Same rules as the pages (:mod:`socialhub.web.engage_pages`): ``engage.view`` to reach a
workspace's engagement, then the workspace policy decides drafting and approving (a
refusal is audited and answered 403). Sessions need the CSRF header on POST.
"""

from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from socialhub.engage.inbox import sla_state
from socialhub.engage.measures import engagement_measures
from socialhub.records.engage import INBOX_STATUSES, Draft, InboxItem
from socialhub.web.access import WorkspaceContext, audit_reader, workspace
from socialhub.web.auth import Principal
from socialhub.web.engage_common import actor, after_approval, call, engagement
from socialhub.web.responses import DraftOut, InboxItemOut, OpenedItemOut
from socialhub.web.responses_features import (
    AuditEntries,
    AuditVerify,
    DraftList,
    InboxList,
    Measures,
    OfficialAccounts,
)

router = APIRouter(tags=["engagement"])

View = Annotated[WorkspaceContext, Depends(workspace("engage.view"))]
RowId = Annotated[int, Path(ge=1, le=2**62)]


def _json(obj: Any) -> dict[str, Any]:
    data = dataclasses.asdict(obj)
    for key, value in data.items():
        if isinstance(value, datetime):
            data[key] = value.isoformat()
    return data


def _item(item: InboxItem, minutes: int, now: datetime) -> dict[str, Any]:
    state, left = sla_state(item, minutes, now)
    return _json(item) | {"sla": {"state": state, "minutes": left}}


def _draft(d: Draft) -> dict[str, Any]:
    data = _json(d)
    data.pop("client_key")  # an internal idempotency marker
    return data


class DraftIn(BaseModel):
    account_id: int = Field(ge=1, le=2**62)
    text: str = Field(min_length=1, max_length=10000)
    item_id: int | None = Field(default=None, ge=1, le=2**62)
    scheduled_at: datetime | None = None
    reply_settings: str = Field(default="", pattern="^(|following|mentionedUsers)$")
    submit: bool = True


class NoteIn(BaseModel):
    note: str = Field(default="", max_length=1000)


class AssignIn(BaseModel):
    assignee: str = Field(default="", max_length=64)


class TagsIn(BaseModel):
    tags: list[str] = Field(default_factory=list, max_length=20)


class StatusIn(BaseModel):
    status: str = Field(pattern="^(closed|new)$")


class TextIn(BaseModel):
    text: str = Field(min_length=1, max_length=10000)
    submit: bool = True


@router.get("/api/workspaces/{slug}/inbox", response_model=InboxList)
async def list_inbox(
    request: Request,
    ctx: View,
    status: Annotated[str, Query(pattern="^(open|all)$")] = "open",
    refresh: bool = True,
    limit: Annotated[int, Query(ge=1, le=1000)] = 200,
) -> dict[str, Any]:
    """Items most important first, each with ``why`` ([code, value] pairs) and its SLA."""
    eng = engagement(request)
    if refresh:
        await call(request, eng.refresh_inbox, ctx.workspace)
    statuses = ("new", "assigned", "waiting_approval") if status == "open" else INBOX_STATUSES
    items = await call(request, eng.repo.list_items, ctx.workspace_id, statuses, limit)
    minutes, now = eng.policy(ctx.workspace).first_response_minutes, eng.clock()
    return {"items": [_item(i, minutes, now) for i in items]}


@router.get("/api/workspaces/{slug}/inbox/{item_id}", response_model=OpenedItemOut)
async def open_item(request: Request, ctx: View, item_id: RowId) -> dict[str, Any]:
    """The item; ``also_open`` names who else opened it in the last minutes."""
    eng = engagement(request)
    item, others = await call(request, eng.open_item, ctx.workspace, item_id, actor(ctx))
    minutes = eng.policy(ctx.workspace).first_response_minutes
    return _item(item, minutes, eng.clock()) | {"also_open": others}


@router.post("/api/workspaces/{slug}/inbox/{item_id}/assign", response_model=InboxItemOut)
async def assign_item(
    request: Request, ctx: View, item_id: RowId, body: AssignIn
) -> dict[str, Any]:
    eng = engagement(request)
    item = await call(request, eng.assign, ctx.workspace, item_id, actor(ctx), body.assignee)
    return _item(item, eng.policy(ctx.workspace).first_response_minutes, eng.clock())


@router.post("/api/workspaces/{slug}/inbox/{item_id}/tags", response_model=InboxItemOut)
async def tag_item(request: Request, ctx: View, item_id: RowId, body: TagsIn) -> dict[str, Any]:
    eng = engagement(request)
    item = await call(request, eng.tag, ctx.workspace, item_id, actor(ctx), body.tags)
    return _item(item, eng.policy(ctx.workspace).first_response_minutes, eng.clock())


@router.post("/api/workspaces/{slug}/inbox/{item_id}/status", response_model=InboxItemOut)
async def item_status(
    request: Request, ctx: View, item_id: RowId, body: StatusIn
) -> dict[str, Any]:
    """Close an item, or reopen it (``new``)."""
    eng = engagement(request)
    item = await call(request, eng.set_status, ctx.workspace, item_id, actor(ctx), body.status)
    return _item(item, eng.policy(ctx.workspace).first_response_minutes, eng.clock())


@router.post("/api/workspaces/{slug}/drafts/{draft_id}/edit", response_model=DraftOut)
async def edit_draft(request: Request, ctx: View, draft_id: RowId, body: TextIn) -> dict[str, Any]:
    eng = engagement(request)
    draft = await call(
        request,
        eng.edit_draft,
        ctx.workspace,
        draft_id,
        actor(ctx),
        body.text,
        submit=body.submit,
    )
    return _draft(draft)


@router.post("/api/workspaces/{slug}/drafts", response_model=DraftOut, status_code=201)
async def create_draft(request: Request, ctx: View, body: DraftIn) -> dict[str, Any]:
    """A reply (``item_id``) or a new post from a declared account of the workspace."""
    eng = engagement(request)
    draft = await call(
        request,
        eng.create_draft,
        ctx.workspace,
        actor(ctx),
        account_id=body.account_id,
        text=body.text,
        item_id=body.item_id,
        scheduled_at=body.scheduled_at,
        reply_settings=body.reply_settings,
        submit=body.submit,
    )
    return _draft(draft)


@router.get("/api/workspaces/{slug}/drafts", response_model=DraftList)
async def list_drafts(
    request: Request,
    ctx: View,
    status: Annotated[str | None, Query(pattern="^[a-z_]{1,20}$")] = None,
) -> dict[str, Any]:
    eng = engagement(request)
    statuses = (
        (status,)
        if status
        else ("draft", "waiting", "approved", "publishing", "published", "refused", "failed")
    )
    drafts = await call(request, eng.repo.list_drafts, ctx.workspace_id, statuses)
    return {"items": [_draft(d) for d in drafts]}


@router.post("/api/workspaces/{slug}/drafts/{draft_id}/approve", response_model=DraftOut)
async def approve_draft(
    request: Request, ctx: View, draft_id: RowId, body: NoteIn | None = None
) -> dict[str, Any]:
    """One approval; the last one needed publishes (unless scheduled)."""
    eng = engagement(request)
    await call(request, eng.approve, ctx.workspace, draft_id, actor(ctx), body.note if body else "")
    await run_in_threadpool(after_approval, eng, draft_id)
    return _draft(await call(request, eng.draft, ctx.workspace, draft_id))


@router.post("/api/workspaces/{slug}/drafts/{draft_id}/refuse", response_model=DraftOut)
async def refuse_draft(
    request: Request, ctx: View, draft_id: RowId, body: NoteIn | None = None
) -> dict[str, Any]:
    eng = engagement(request)
    draft = await call(
        request, eng.refuse, ctx.workspace, draft_id, actor(ctx), body.note if body else ""
    )
    return _draft(draft)


@router.get("/api/workspaces/{slug}/official-accounts", response_model=OfficialAccounts)
async def official_accounts(request: Request, ctx: View) -> dict[str, Any]:
    """The declared accounts this workspace may speak from (credential NAMES omitted)."""
    accounts = engagement(request).accounts_for(ctx.workspace)
    return {
        "items": [
            {
                "id": a.id,
                "platform": a.platform,
                "handle": a.handle,
                "display": a.display,
                "two_approvers": a.two_approvers,
            }
            for a in accounts
        ]
    }


@router.get("/api/workspaces/{slug}/engagement/measures", response_model=Measures)
async def measures(
    request: Request, ctx: View, days: Annotated[int, Query(ge=1, le=366)] = 7
) -> dict[str, Any]:
    """First-response time and answered share per workspace, account and person."""
    eng = engagement(request)
    now = eng.clock()
    return await run_in_threadpool(
        engagement_measures,
        eng.repo,
        ctx.workspace_id,
        now - timedelta(days=days),
        now,
        eng.policy(ctx.workspace).first_response_minutes,
    )


@router.get("/api/audit", response_model=AuditEntries)
async def audit_entries(
    request: Request,
    who: Annotated[Principal, Depends(audit_reader)],
    before: Annotated[int | None, Query(ge=1, le=2**62)] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 200,
) -> dict[str, Any]:
    """The engagement audit chain, newest first, with hashes (admins and legal)."""
    eng = engagement(request)
    entries = await run_in_threadpool(eng.chain.entries, "audit", limit=limit, before_seq=before)
    return {"items": [e.to_dict() for e in entries]}


@router.get("/api/audit/verify", response_model=AuditVerify)
async def audit_verify(
    request: Request, who: Annotated[Principal, Depends(audit_reader)]
) -> AuditVerify:
    """Recompute the chain: ``ok``, the head hash, or the first entry that breaks it."""
    eng = engagement(request)
    problem = await run_in_threadpool(eng.chain.verify, "audit")
    head = await run_in_threadpool(eng.chain.head, "audit")
    return AuditVerify(
        ok=problem is None,
        entries=head.seq if head else 0,
        head=head.entry_hash if head else None,
        problem=None if problem is None else problem.describe(),
        row_id=None if problem is None else problem.id,
    )
