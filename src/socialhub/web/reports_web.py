"""The report archive in the web app: every built report of a workspace (digests,
competitor and crisis reports), listed and opened as HTML or PDF by any member.

The archived HTML is the email body the report module built (every post text escaped);
it is served with a Content-Security-Policy that forbids scripts, frames and remote
loads, so even a bug there could not run anything in the reader's session.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, Response

from socialhub.i18n import _
from socialhub.records.reports import Report
from socialhub.web.access import ApiError, WorkspaceContext, store_of, workspace
from socialhub.web.pages import render
from socialhub.web.responses_features import ReportList, ReportOut

router = APIRouter()

View = Annotated[WorkspaceContext, Depends(workspace("view"))]
RowId = Annotated[int, Path(ge=1, le=2**63 - 1)]
# inline styles only: the archived email HTML has no scripts and loads nothing
REPORT_CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
    "frame-ancestors 'self'; base-uri 'none'; form-action 'none'"
)


async def _report(request: Request, ctx: WorkspaceContext, report_id: int) -> Report:
    report = await run_in_threadpool(store_of(request).reports.get_report, report_id)
    if report is None or report.workspace_id != ctx.workspace.id:
        raise ApiError(
            404,
            "not_found",
            _("No report %(report_id)s in this workspace.") % {"report_id": report_id},
        )
    return report


@router.get("/api/workspaces/{slug}/reports", response_model=ReportList, tags=["reports"])
async def list_reports(
    request: Request,
    ctx: View,
    kind: Annotated[str | None, Query(max_length=40)] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> dict[str, Any]:
    """Archived reports, newest period first (without their HTML or PDF)."""
    reports = await run_in_threadpool(
        store_of(request).reports.list_reports,
        workspace_id=ctx.workspace.id,
        kind=kind,
        limit=limit,
    )
    return {"items": [r.summary() for r in reports]}


@router.get(
    "/api/workspaces/{slug}/reports/{report_id}", response_model=ReportOut, tags=["reports"]
)
async def get_report(request: Request, ctx: View, report_id: RowId) -> dict[str, Any]:
    report = await _report(request, ctx, report_id)
    return report.summary() | {"has_html": bool(report.html), "has_pdf": bool(report.pdf)}


@router.get("/w/{slug}/reports/{report_id}.html", include_in_schema=False)
async def report_html(request: Request, ctx: View, report_id: RowId) -> HTMLResponse:
    report = await _report(request, ctx, report_id)
    if not report.html:
        raise ApiError(404, "not_found", _("This report has no HTML (not built yet)."))
    headers = {"Content-Security-Policy": REPORT_CSP, "X-Content-Type-Options": "nosniff"}
    return HTMLResponse(report.html, headers=headers)


@router.get("/w/{slug}/reports/{report_id}.pdf", include_in_schema=False)
async def report_pdf(request: Request, ctx: View, report_id: RowId) -> Response:
    report = await _report(request, ctx, report_id)
    if not report.pdf:
        raise ApiError(404, "not_found", _("This report has no PDF."))
    return Response(
        report.pdf,
        media_type="application/pdf",
        headers={
            "Content-Disposition": f'inline; filename="report-{report.id}.pdf"',
            "X-Content-Type-Options": "nosniff",
        },
    )


@router.get("/w/{slug}/reports", include_in_schema=False)
async def reports_page(request: Request, ctx: View) -> HTMLResponse:
    reports = await run_in_threadpool(
        store_of(request).reports.list_reports, workspace_id=ctx.workspace.id, limit=200
    )
    tz = ZoneInfo(ctx.workspace.timezone)
    return render(
        "reports.html",
        who=ctx.principal,
        title=_("Reports") + f" — {ctx.workspace.name}",
        ws=ctx.workspace,
        role=ctx.role.value,
        is_admin=ctx.can("workspace.admin"),
        can_legal=ctx.can("legal.manage"),
        section="reports",
        reports=[
            {
                "report": r,
                "period": f"{_local(r.period_start, tz)} → {_local(r.period_end, tz)}",
                "ready": r.status in ("built", "sent"),
            }
            for r in reports
        ],
    )


def _local(when: datetime, tz: ZoneInfo) -> str:
    return when.astimezone(tz).strftime("%Y-%m-%d %H:%M")
