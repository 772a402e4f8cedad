"""The legal desk in the web app: "Send to legal" (analysts and up), the case list and
the case page with its forms (legal and admin only), capture files and the bundle.

Every view of a case or of a capture file, every note, change, capture and export is a
custody entry (:class:`~socialhub.legal.desk.LegalDesk`). Viewers and press officers
get 403 on every route here, and the workspace nav shows them no Legal link. Forms
carry the session's CSRF token (checked by :func:`~socialhub.web.access.principal`).
"""

from __future__ import annotations

import tempfile
from datetime import datetime
from pathlib import Path as FsPath
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Request
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, Field
from starlette.background import BackgroundTask
from starlette.concurrency import run_in_threadpool

from socialhub.i18n import M_, _, ngettext
from socialhub.legal.bundle import export_bundle
from socialhub.legal.desk import LegalConfig, LegalDesk, LegalError
from socialhub.legal.report import REASON_NAMES, STATUS_NAMES
from socialhub.store.legal import REASONS, STATUSES
from socialhub.web.access import ApiError, WorkspaceContext, store_of, workspace
from socialhub.web.pages import workspace_page
from socialhub.web.responses_features import CaseList, CaseOut, LegalSent

router = APIRouter()
Send = Annotated[WorkspaceContext, Depends(workspace("legal.send"))]
Manage = Annotated[WorkspaceContext, Depends(workspace("legal.manage"))]
CaseId = Annotated[int, Path(ge=1, le=2**63 - 1)]
FILE_CSP = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox"
MEDIA = {"warc": "application/warc", "screenshot": "image/png", "pdf": "application/pdf"}
EXT = {"warc": "warc.gz", "screenshot": "png", "pdf": "pdf"}


def desk_of(request: Request) -> LegalDesk:
    config: LegalConfig | None = getattr(request.app.state, "legal", None)
    if config is None:
        config = request.app.state.legal = LegalConfig.from_env()
    return LegalDesk(store_of(request), config, clock=request.app.state.auth.clock)


def _actor(ctx: WorkspaceContext) -> str:
    return ctx.principal.user.username


async def _form(request: Request) -> dict[str, str]:
    from urllib.parse import parse_qs

    body = (await request.body()).decode("utf-8", "replace")
    return {k: v[0] for k, v in parse_qs(body, keep_blank_values=True).items()}


def _case_id(value: str) -> int | None:
    value = value.strip()
    if not value:
        return None
    if not value.isdigit():
        raise ApiError(400, "bad_request", M_("The case number must be a number."))
    return int(value)


def _send(
    desk: LegalDesk, ctx: WorkspaceContext, kind: str, item: str, reason: str, title: str,
    case_id: int | None, note: str,
) -> Any:  # fmt: skip
    # An analyst may extend a case by its number without seeing it; the desk checks
    # that the case is of this workspace and open, as for legal.
    try:
        return desk.send(ctx.workspace_id, kind, item, by=_actor(ctx), reason=reason,
                         title=title, case_id=case_id, note=note)  # fmt: skip
    except LegalError as exc:
        raise ApiError(400, "bad_request", exc) from None


# -- send to legal --------------------------------------------------------------------


@router.post("/w/{slug}/legal/send", include_in_schema=False)
async def send_form(request: Request, ctx: Send) -> Response:
    form = await _form(request)
    kind, item = form.get("kind", "mention"), form.get("item_id", "")
    case, _created = await run_in_threadpool(
        _send, desk_of(request), ctx, kind, item, form.get("reason", "other"),
        form.get("title", ""), _case_id(form.get("case_id", "")), form.get("note", ""),
    )  # fmt: skip
    if ctx.can("legal.manage"):
        return RedirectResponse(f"/w/{ctx.workspace.slug}/legal/{case.id}", status_code=303)
    from urllib.parse import quote

    if kind == "story":
        target = f"/w/{ctx.workspace.slug}/stories/{quote(item, safe='')}?sent={case.id}"
    else:
        target = f"/w/{ctx.workspace.slug}/m/{quote(item, safe=':')}?sent={case.id}"
    return RedirectResponse(target, status_code=303)


class SendBody(BaseModel):
    kind: str = Field("mention", pattern="^(mention|alert|story)$")
    item_id: str = Field(..., min_length=1, max_length=300)
    reason: str = Field("other", max_length=40)
    title: str = Field("", max_length=300)
    case_id: int | None = Field(None, ge=1, le=2**63 - 1)
    note: str = Field("", max_length=20_000)


@router.post(
    "/api/workspaces/{slug}/legal/send", response_model=LegalSent, tags=["legal"], status_code=201
)
async def send_api(request: Request, ctx: Send, body: SendBody) -> LegalSent:
    """Send a mention, an alert or a story to legal: open a case, or add it to ``case_id``."""
    case, added = await run_in_threadpool(
        _send, desk_of(request), ctx, body.kind, body.item_id, body.reason, body.title,
        body.case_id, body.note,
    )  # fmt: skip
    return LegalSent(case=case.id, added=added)


# -- cases (legal and admin) -----------------------------------------------------------


def _listing(desk: LegalDesk, ws: int) -> list[dict[str, Any]]:
    out = []
    for case in desk.repo.list_cases(workspace_id=ws):
        assert case.id is not None
        items = desk.repo.list_items(case.id)
        why = f"{case.status}: {len(items)} item(s), {case.reason.replace('_', ' ')}"
        out.append({**case.to_dict(), "items": len(items), "why": why})
    return out


@router.get("/api/workspaces/{slug}/legal/cases", response_model=CaseList, tags=["legal"])
async def cases_api(request: Request, ctx: Manage) -> dict[str, Any]:
    """The workspace's cases: open ones first, then the most recently touched."""
    return {"items": await run_in_threadpool(_listing, desk_of(request), ctx.workspace_id)}


def _case_view(desk: LegalDesk, ctx: WorkspaceContext, case_id: int) -> dict[str, Any]:
    try:
        case = desk.case(case_id, ctx.workspace_id)
    except LegalError as exc:
        raise ApiError(404, "not_found", exc) from None
    desk.view(case_id, _actor(ctx))
    broken = desk.custody.verify(case_id)
    return {
        "case": case,
        "items": desk.repo.list_items(case_id),
        "captures": desk.repo.list_captures(case_id),
        "notes": desk.repo.list_notes(case_id),
        "custody": desk.custody.entries(case_id),
        "custody_problem": None if broken is None else broken.describe(),
    }


@router.get("/api/workspaces/{slug}/legal/cases/{case_id}", response_model=CaseOut, tags=["legal"])
async def case_api(request: Request, ctx: Manage, case_id: CaseId) -> dict[str, Any]:
    """A case with its items, captures, notes and custody log (the view is recorded)."""
    view = await run_in_threadpool(_case_view, desk_of(request), ctx, case_id)
    return {
        "case": view["case"].to_dict(),
        "items": [{k: v for k, v in i.to_dict().items() if k != "raw"} for i in view["items"]],
        "captures": [c.to_dict() for c in view["captures"]],
        "notes": [
            {"author": n.author, "body": n.body, "at": n.created_at.isoformat()}
            for n in view["notes"]
        ],
        "custody": [e.to_dict() for e in view["custody"]],
        "custody_ok": view["custody_problem"] is None,
    }


def _page(ctx: WorkspaceContext, name: str, title: str, **extra: Any) -> HTMLResponse:
    return workspace_page(name, ctx, title, can_legal=True, section="legal", **extra)


def _proposals(desk: LegalDesk, ws: int) -> list[dict[str, Any]]:
    from socialhub.store.legal_proposals import ProposalRepo

    out = []
    for p in ProposalRepo(desk.store).list_proposals(ws, limit=50):
        mention = desk.store.mentions.get_mention(p.mention_id)
        text = mention.text if mention else ""
        out.append({"id": p.id, "label": p.label, "score": p.score, "cues": p.cues,
                    "mention_id": p.mention_id, "text": text})  # fmt: skip
    return out


def _shown(case: dict[str, Any]) -> dict[str, Any]:
    """What the cases page shows of a listed case, in the reader's language (the API's
    ``why`` stays English, like every machine field) and the workspace's zone."""
    items = ngettext("%(n)s item", "%(n)s items", case["items"]) % {"n": case["items"]}
    why = _("%(status)s: %(items)s, %(reason)s") % {
        "status": _(STATUS_NAMES.get(case["status"], case["status"])),
        "items": items,
        "reason": _(REASON_NAMES.get(case["reason"], case["reason"])),
    }
    return {**case, "why_shown": why, "updated": datetime.fromisoformat(case["updated_at"])}


@router.get("/w/{slug}/legal", include_in_schema=False)
async def cases_page(request: Request, ctx: Manage) -> HTMLResponse:
    desk = desk_of(request)
    cases = [_shown(c) for c in await run_in_threadpool(_listing, desk, ctx.workspace_id)]
    proposals = await run_in_threadpool(_proposals, desk, ctx.workspace_id)
    return _page(ctx, "legal_cases.html", _("Legal") + f" — {ctx.workspace.name}", cases=cases,
                 proposals=proposals)  # fmt: skip


@router.post("/w/{slug}/legal/proposals/{proposal_id}/{decision}", include_in_schema=False)
async def decide_proposal(
    request: Request, ctx: Manage, proposal_id: CaseId, decision: str
) -> Response:
    from socialhub.legal.proposals import accept, dismiss

    if decision not in ("accept", "dismiss"):
        raise ApiError(404, "not_found", M_("No decision %(decision)r.", decision=decision))
    desk = desk_of(request)

    def run() -> str:
        try:
            if decision == "accept":
                case = accept(desk, ctx.workspace_id, proposal_id, _actor(ctx))
                return f"/w/{ctx.workspace.slug}/legal/{case.id}"
            dismiss(desk.store, ctx.workspace_id, proposal_id, _actor(ctx), desk.clock())
            return f"/w/{ctx.workspace.slug}/legal"
        except LegalError as exc:
            raise ApiError(400, "bad_request", exc) from None

    return RedirectResponse(await run_in_threadpool(run), status_code=303)


@router.get("/w/{slug}/legal/{case_id}", include_in_schema=False)
async def case_page(request: Request, ctx: Manage, case_id: CaseId) -> HTMLResponse:
    view = await run_in_threadpool(_case_view, desk_of(request), ctx, case_id)
    return _page(ctx, "legal_case.html", f"Case {case_id} — {ctx.workspace.name}",
                 reasons=REASONS, statuses=STATUSES, **view)  # fmt: skip


def _owned(desk: LegalDesk, ctx: WorkspaceContext, case_id: int) -> None:
    try:
        desk.case(case_id, ctx.workspace_id)
    except LegalError as exc:
        raise ApiError(404, "not_found", exc) from None


def _act(
    desk: LegalDesk, ctx: WorkspaceContext, case_id: int, action: str, form: dict[str, str]
) -> None:
    _owned(desk, ctx, case_id)
    by = _actor(ctx)
    try:
        if action == "note":
            desk.add_note(case_id, by, form.get("body", ""))
        elif action == "update":
            desk.update(case_id, by, status=form.get("status") or None,
                        owner=form.get("owner"), title=form.get("title"),
                        reason=form.get("reason") or None)  # fmt: skip
        elif action == "capture":
            desk.capture(case_id, form.get("item_id", ""), by)
    except LegalError as exc:
        raise ApiError(400, "bad_request", exc) from None


@router.post("/w/{slug}/legal/{case_id}/{action}", include_in_schema=False)
async def case_action(request: Request, ctx: Manage, case_id: CaseId, action: str) -> Response:
    if action not in ("note", "update", "capture", "export"):
        raise ApiError(404, "not_found", M_("No action %(action)r.", action=action))
    form = await _form(request)
    desk = desk_of(request)
    if action == "export":
        return await _export(desk, ctx, case_id, form.get("lang", "fr"))
    await run_in_threadpool(_act, desk, ctx, case_id, action, form)
    return RedirectResponse(f"/w/{ctx.workspace.slug}/legal/{case_id}", status_code=303)


async def _export(desk: LegalDesk, ctx: WorkspaceContext, case_id: int, lang: str) -> Response:
    if lang not in ("fr", "en"):
        raise ApiError(400, "bad_request", M_("The report language is fr or en."))
    await run_in_threadpool(_owned, desk, ctx, case_id)
    folder = FsPath(tempfile.mkdtemp(prefix="socialhub-bundle-"))
    path = folder / f"case-{case_id}.zip"
    await run_in_threadpool(export_bundle, desk, case_id, _actor(ctx), path, lang=lang)

    def cleanup() -> None:
        path.unlink(missing_ok=True)
        folder.rmdir()

    return FileResponse(path, media_type="application/zip", filename=path.name,
                        background=BackgroundTask(cleanup))  # fmt: skip


@router.get("/w/{slug}/legal/{case_id}/captures/{capture_id}", include_in_schema=False)
async def capture_file(
    request: Request, ctx: Manage, case_id: CaseId, capture_id: Annotated[int, Path(ge=1)]
) -> Response:
    desk = desk_of(request)

    def load() -> tuple[str, bytes]:
        _owned(desk, ctx, case_id)
        found = [c for c in desk.repo.list_captures(case_id) if c.id == capture_id]
        if not found or found[0].status != "ok":
            raise ApiError(
                404,
                "not_found",
                M_("No capture %(capture_id)s in this case.", capture_id=capture_id),
            )
        capture = found[0]
        data = desk.files.get(capture.sha256)
        desk.custody.record(case_id, _actor(ctx), "capture.viewed", capture.item_id,
                            {"sha256": capture.sha256}, at=desk.clock())  # fmt: skip
        return capture.artifact, data

    artifact, data = await run_in_threadpool(load)
    inline = artifact == "screenshot"
    headers = {"Content-Security-Policy": FILE_CSP, "Cache-Control": "no-store",
               "Content-Disposition": ("inline" if inline else "attachment")
               + f'; filename="case-{case_id}-{capture_id}.{EXT[artifact]}"'}  # fmt: skip
    return Response(data, media_type=MEDIA[artifact], headers=headers)
