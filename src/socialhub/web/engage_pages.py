"""Engagement pages: the inbox, an item with its reply form, drafts and approvals,
saved replies and the audit log. Server-rendered HTML forms (every POST carries the
session's CSRF token, checked by :func:`socialhub.web.access.principal`); Jinja escapes
every post text, name and URL. Texts through gettext, in the reader's language.

Roles: ``engage.view`` (admin, analyst, press, legal) opens the pages; drafting and
approving are then decided by the workspace's engagement policy in the service, which
audits every refusal. The audit page is for administrators and legal.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from socialhub.engage.inbox import sla_state
from socialhub.engage.measures import engagement_measures
from socialhub.engage.service import Engagement
from socialhub.engage.templates import fill
from socialhub.engage.texts import reason_name, sla_text, status_name, why_text
from socialhub.i18n import M_, _, set_locale
from socialhub.records.engage import INBOX_STATUSES, ReplyTemplate
from socialhub.web.access import ApiError, WorkspaceContext, audit_reader, store_of, workspace
from socialhub.web.auth import Principal
from socialhub.web.engage_common import (
    LANG_COOKIE,
    actor,
    after_approval,
    call,
    engagement,
    form,
    form_schema,
    int_field,
    lang_of,
    local_time,
    parse_local,
)
from socialhub.web.pages import render, workspace_page

router = APIRouter(tags=["engagement (forms)"])

View = Annotated[WorkspaceContext, Depends(workspace("engage.view"))]
RowId = Annotated[int, Path(ge=1, le=2**62)]
OPEN = ("new", "assigned", "waiting_approval")
TEXT = {"type": "string", "maxLength": 10000}
NUM = {"type": "string", "pattern": "^[0-9]{1,18}$"}


def _page(request: Request, name: str, ctx: WorkspaceContext, title: str, **extra: Any) -> Response:
    lang = _page_locale(request)
    response = workspace_page(
        name,
        ctx,
        title,
        lang=lang,
        status_name=status_name,
        reason_name=reason_name,
        local=lambda dt: local_time(dt, ctx.workspace.timezone),
        path=request.url.path,
        **extra,
    )
    if request.query_params.get("lang") in ("fr", "en"):
        response.set_cookie(LANG_COOKIE, lang_of(request), max_age=365 * 86400, samesite="lax")
    return response


def _page_locale(request: Request) -> str:
    """The page's language (``?lang=``, cookie, user, workspace) for the rest of the
    request: the header, the scripts and every text follow it."""
    lang = lang_of(request)
    set_locale(lang)
    return lang


def _back(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


def _members(request: Request, ctx: WorkspaceContext, eng: Engagement) -> list[str]:
    store = store_of(request)
    policy = eng.policy(ctx.workspace)
    users = {u.id: u.username for u in store.accounts.list_users() if u.is_active}
    return sorted(
        users[m.user_id]
        for m in store.accounts.list_memberships(workspace_id=ctx.workspace_id)
        if m.user_id in users and policy.can_draft(m.role.value)
    )


@router.get("/w/{slug}/inbox", response_class=HTMLResponse)
async def inbox_page(request: Request, ctx: View, status: str = "open") -> Response:
    """The workspace's inbox, most important first, each with why and its SLA."""
    eng = engagement(request)
    await call(request, eng.refresh_inbox, ctx.workspace)
    statuses = OPEN if status == "open" else INBOX_STATUSES
    items = await call(request, eng.repo.list_items, ctx.workspace_id, statuses)
    policy = eng.policy(ctx.workspace)
    _page_locale(request)
    now = eng.clock()
    rows = []
    for item in items:
        state, minutes = sla_state(item, policy.first_response_minutes, now)
        rows.append((item, why_text(item.why), state, sla_text(state, minutes)))
    since = now.replace(hour=0, minute=0, second=0, microsecond=0)
    measures = await run_in_threadpool(
        engagement_measures,
        eng.repo,
        ctx.workspace_id,
        since - timedelta(days=7),
        now,
        policy.first_response_minutes,
    )
    return _page(
        request,
        "inbox.html",
        ctx,
        _("Inbox"),
        section="inbox",
        rows=rows,
        show=status,
        accounts=eng.accounts_for(ctx.workspace),
        measures=measures,
    )


@router.get("/w/{slug}/inbox/{item_id}", response_class=HTMLResponse)
async def item_page(request: Request, ctx: View, item_id: RowId, template: int = 0) -> Response:
    """One item: the post, who else has it open, assign/tag/close, the reply form."""
    eng = engagement(request)
    item, others = await call(request, eng.open_item, ctx.workspace, item_id, actor(ctx))
    _page_locale(request)
    accounts = [a for a in eng.accounts_for(ctx.workspace) if a.platform == item.platform]
    templates = await call(request, eng.repo.list_templates, ctx.workspace_id)
    text = ""
    chosen = next((tp for tp in templates if tp.id == template), None)
    if chosen is not None:
        text = fill(
            chosen.body,
            {
                "author": f"@{item.author.lstrip('@')}" if item.author else "",
                "account": accounts[0].display if accounts else "",
                "workspace": ctx.workspace.name,
            },
        )
    drafts = await call(request, eng.repo.list_drafts, ctx.workspace_id, item_id=item_id)
    approvals = {d.id: eng.repo.list_approvals(d.id or 0) for d in drafts}
    policy = eng.policy(ctx.workspace)
    state, minutes = sla_state(item, policy.first_response_minutes, eng.clock())
    return _page(
        request,
        "inbox_item.html",
        ctx,
        _("Inbox") + f" #{item_id}",
        section="inbox",
        item=item,
        others=others,
        accounts=accounts,
        templates=templates,
        text=text,
        drafts=drafts,
        approvals=approvals,
        why=why_text(item.why),
        sla=sla_text(state, minutes),
        sla_state=state,
        members=await run_in_threadpool(_members, request, ctx, eng),
        account_names={a.id: a.label for a in eng.repo.list_accounts(active_only=False)},
        me=ctx.principal.user.username,
    )


@router.post(
    "/w/{slug}/inbox/{item_id}/assign",
    openapi_extra=form_schema(assignee={"type": "string", "maxLength": 64}),
)
async def assign_item(request: Request, ctx: View, item_id: RowId) -> Response:
    data = await form(request)
    await call(
        request,
        engagement(request).assign,
        ctx.workspace,
        item_id,
        actor(ctx),
        (data.get("assignee") or "").strip()[:64],
    )
    return _back(f"/w/{ctx.workspace.slug}/inbox/{item_id}")


@router.post(
    "/w/{slug}/inbox/{item_id}/tags",
    openapi_extra=form_schema(tags={"type": "string", "maxLength": 1000}),
)
async def tag_item(request: Request, ctx: View, item_id: RowId) -> Response:
    data = await form(request)
    tags = (data.get("tags") or "")[:1000].split(",")
    await call(request, engagement(request).tag, ctx.workspace, item_id, actor(ctx), tags)
    return _back(f"/w/{ctx.workspace.slug}/inbox/{item_id}")


@router.post(
    "/w/{slug}/inbox/{item_id}/status",
    openapi_extra=form_schema(status={"type": "string", "enum": ["closed", "new"]}),
)
async def item_status(request: Request, ctx: View, item_id: RowId) -> Response:
    data = await form(request)
    await call(
        request,
        engagement(request).set_status,
        ctx.workspace,
        item_id,
        actor(ctx),
        data.get("status") or "",
    )
    return _back(f"/w/{ctx.workspace.slug}/inbox/{item_id}")


@router.post(
    "/w/{slug}/drafts",
    openapi_extra=form_schema(
        account_id=NUM,
        text=TEXT,
        item_id=NUM,
        scheduled_at={"type": "string"},
        reply_settings={"type": "string"},
        action={"type": "string", "enum": ["submit", "save"]},
    ),
)
async def create_draft(request: Request, ctx: View) -> Response:
    """A reply (with item_id) or a new post from a declared account, for approval."""
    data = await form(request)
    eng = engagement(request)
    lang = lang_of(request)  # refusals in the page's language, like the service's
    item_id = int_field(data, "item_id", required=False, lang=lang)
    draft = await call(
        request,
        eng.create_draft,
        ctx.workspace,
        actor(ctx),
        account_id=int_field(data, "account_id", lang=lang),
        text=(data.get("text") or "")[:10000],
        item_id=item_id,
        scheduled_at=parse_local(data.get("scheduled_at") or "", ctx.workspace.timezone, lang=lang),
        reply_settings=(data.get("reply_settings") or "")
        if data.get("reply_settings") in ("following", "mentionedUsers")
        else "",
        submit=data.get("action") != "save",
    )
    if item_id is not None:
        return _back(f"/w/{ctx.workspace.slug}/inbox/{item_id}#draft-{draft.id}")
    return _back(f"/w/{ctx.workspace.slug}/drafts#draft-{draft.id}")


@router.get("/w/{slug}/drafts", response_class=HTMLResponse)
async def drafts_page(request: Request, ctx: View) -> Response:
    """Drafts waiting for approval first, then the recent ones; the new-post form."""
    eng = engagement(request)
    _page_locale(request)
    waiting = await call(request, eng.repo.list_drafts, ctx.workspace_id, ("waiting",))
    recent = await call(
        request,
        eng.repo.list_drafts,
        ctx.workspace_id,
        ("draft", "approved", "publishing", "published", "refused", "failed"),
        limit=50,
    )
    approvals = {d.id: eng.repo.list_approvals(d.id or 0) for d in waiting + recent}
    return _page(
        request,
        "drafts.html",
        ctx,
        _("Drafts and approvals"),
        section="drafts",
        waiting=waiting,
        recent=recent,
        approvals=approvals,
        accounts=eng.accounts_for(ctx.workspace),
        account_names={a.id: a.label for a in eng.repo.list_accounts(active_only=False)},
        me=ctx.principal.user.username,
    )


@router.post(
    "/w/{slug}/drafts/{draft_id}/approve",
    openapi_extra=form_schema(note={"type": "string", "maxLength": 1000}),
)
async def approve_draft(request: Request, ctx: View, draft_id: RowId) -> Response:
    data = await form(request)
    eng = engagement(request)
    draft = await call(
        request, eng.approve, ctx.workspace, draft_id, actor(ctx), (data.get("note") or "")[:1000]
    )
    await run_in_threadpool(after_approval, eng, draft_id)
    if draft.item_id is not None:
        return _back(f"/w/{ctx.workspace.slug}/inbox/{draft.item_id}#draft-{draft_id}")
    return _back(f"/w/{ctx.workspace.slug}/drafts#draft-{draft_id}")


@router.post(
    "/w/{slug}/drafts/{draft_id}/refuse",
    openapi_extra=form_schema(note={"type": "string", "maxLength": 1000}),
)
async def refuse_draft(request: Request, ctx: View, draft_id: RowId) -> Response:
    data = await form(request)
    await call(
        request,
        engagement(request).refuse,
        ctx.workspace,
        draft_id,
        actor(ctx),
        (data.get("note") or "")[:1000],
    )
    return _back(f"/w/{ctx.workspace.slug}/drafts#draft-{draft_id}")


@router.post(
    "/w/{slug}/drafts/{draft_id}/edit",
    openapi_extra=form_schema(text=TEXT, action={"type": "string"}),
)
async def edit_draft(request: Request, ctx: View, draft_id: RowId) -> Response:
    data = await form(request)
    await call(
        request,
        engagement(request).edit_draft,
        ctx.workspace,
        draft_id,
        actor(ctx),
        (data.get("text") or "")[:10000],
        submit=data.get("action") != "save",
    )
    return _back(f"/w/{ctx.workspace.slug}/drafts#draft-{draft_id}")


@router.get("/w/{slug}/templates", response_class=HTMLResponse)
async def templates_page(request: Request, ctx: View) -> Response:
    eng = engagement(request)
    _page_locale(request)
    templates = await call(request, eng.repo.list_templates, ctx.workspace_id)
    return _page(
        request,
        "reply_templates.html",
        ctx,
        _("Saved replies"),
        section="drafts",
        templates=templates,
    )


@router.post(
    "/w/{slug}/templates",
    openapi_extra=form_schema(
        name={"type": "string", "maxLength": 100},
        body=TEXT,
        lang={"type": "string", "enum": ["fr", "en"]},
    ),
)
async def save_template(request: Request, ctx: View) -> Response:
    data = await form(request)
    eng = engagement(request)
    if not eng.policy(ctx.workspace).can_draft(ctx.role.value):
        raise ApiError(
            403,
            "forbidden",
            M_("Your role (%(role)s) cannot edit replies.", role=ctx.role.value),
            locale=lang_of(request),
        )
    name, body = (data.get("name") or "").strip()[:100], (data.get("body") or "").strip()
    if not name or not body:
        raise ApiError(
            422,
            "invalid_request",
            M_("A saved reply needs a name and a text."),
            locale=lang_of(request),
        )
    lang = "en" if data.get("lang") == "en" else "fr"
    tpl = ReplyTemplate(ctx.workspace_id, name, body[:5000], lang, ctx.principal.user.username)
    await call(request, eng.repo.save_template, tpl, eng.clock())
    return _back(f"/w/{ctx.workspace.slug}/templates")


@router.get("/audit", response_class=HTMLResponse)
async def audit_page(
    request: Request, who: Annotated[Principal, Depends(audit_reader)], before: int = 0
) -> Response:
    """The engagement audit chain, newest first, with its verification."""
    eng = engagement(request)
    lang = _page_locale(request)
    entries = await run_in_threadpool(
        eng.chain.entries, "audit", limit=200, before_seq=before or None
    )
    problem = await run_in_threadpool(eng.chain.verify, "audit")
    head = await run_in_threadpool(eng.chain.head, "audit")
    response = render(
        "audit.html",
        who=who,
        title=_("Audit log"),
        lang=lang,
        status_name=status_name,
        reason_name=reason_name,
        entries=entries,
        problem=problem,
        head=head,
    )
    return response
