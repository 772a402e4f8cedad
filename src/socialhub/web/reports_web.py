"""The report archive in the web app: every built report of a workspace (digests,
competitor and crisis reports), listed and opened as HTML or PDF by any member; press
officers and up (``reports.manage``) build one (digest or competitor report over a
period, crisis report from an incident), preview it, send it and send it again, from
the Reports page (HTML forms with the session's CSRF token) or the API.

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
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from socialhub.i18n import M_, _, format_datetime
from socialhub.models import Workspace, utcnow
from socialhub.records.reports import Report
from socialhub.web.access import ApiError, WorkspaceContext, store_of, workspace
from socialhub.web.pages import workspace_page
from socialhub.web.responses_features import ReportList, ReportOut, ReportSent, ReportSummary

router = APIRouter()

View = Annotated[WorkspaceContext, Depends(workspace("view"))]
Manage = Annotated[WorkspaceContext, Depends(workspace("reports.manage"))]
BUILD_KINDS = ("digest", "competitors", "crisis")
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
            M_("No report %(report_id)s in this workspace.", report_id=report_id),
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
        raise ApiError(404, "not_found", M_("This report has no HTML (not built yet)."))
    headers = {"Content-Security-Policy": REPORT_CSP, "X-Content-Type-Options": "nosniff"}
    return HTMLResponse(report.html, headers=headers)


@router.get("/w/{slug}/reports/{report_id}.pdf", include_in_schema=False)
async def report_pdf(request: Request, ctx: View, report_id: RowId) -> Response:
    report = await _report(request, ctx, report_id)
    if not report.pdf:
        raise ApiError(404, "not_found", M_("This report has no PDF."))
    return Response(
        report.pdf,
        media_type="application/pdf",
        headers={
            "Content-Disposition": f'inline; filename="report-{report.id}.pdf"',
            "X-Content-Type-Options": "nosniff",
        },
    )


async def _form(request: Request) -> dict[str, str]:
    from urllib.parse import parse_qs

    body = (await request.body()).decode("utf-8", "replace")
    return {k: v[0] for k, v in parse_qs(body, keep_blank_values=True).items()}


def _when(value: str, tz: str) -> datetime | None:
    """A ``datetime-local`` field (the workspace's wall clock) in UTC."""
    from datetime import UTC

    value = value.strip()
    if not value:
        return None
    try:
        t = datetime.fromisoformat(value)
        return (t.replace(tzinfo=ZoneInfo(tz)) if t.tzinfo is None else t).astimezone(UTC)
    except (ValueError, OverflowError) as exc:
        raise ApiError(
            422, "invalid", M_("Not a date and time: %(value)r.", value=value[:40])
        ) from exc


def _row_id(value: str) -> int | None:
    """A row id typed in a form ("" = none); anything else is refused."""
    value = value.strip()
    if not value:
        return None
    if not value.isascii() or not value.isdigit() or len(value) > 18 or int(value) < 1:
        raise ApiError(422, "invalid", M_("Not an id: %(value)r.", value=value[:20]))
    return int(value)


def _build_report(request: Request, ws: Workspace, data: dict[str, str]) -> Report:
    """Build and archive a report from the page's form (or the API's JSON)."""
    from socialhub.reports.build import build
    from socialhub.reports.schedule import schedules_from_setting

    store = store_of(request)
    kind = data.get("kind", "digest")
    if kind not in BUILD_KINDS:
        raise ApiError(422, "invalid", M_("Unknown report kind %(kind)r.", kind=kind))
    start, end = (
        _when(data.get("since", ""), ws.timezone),
        _when(data.get("until", ""), ws.timezone),
    )
    incident, alert = _row_id(data.get("incident", "")), _row_id(data.get("alert", ""))
    assert ws.id is not None
    options: dict[str, Any] = {}
    try:
        schedules = schedules_from_setting(
            store.workspaces.get_workspace_settings(ws.id).get("reports")
        )
    except ValueError:
        schedules = []
    for schedule in schedules:
        if schedule.kind == kind:
            options = dict(schedule.options)
            break
    if kind != "crisis":
        end = end or utcnow()
        if start is None:
            from datetime import timedelta

            start = end - (timedelta(days=7) if kind == "competitors" else timedelta(hours=12))
        if start >= end:
            raise ApiError(422, "invalid", M_("The period must end after it starts."))
    try:
        built = build(store, ws, kind, start, end, options, alert_id=alert, incident_id=incident)
    except ValueError as exc:
        raise ApiError(422, "invalid", exc) from exc
    # built by hand: its own "schedule" name, so it never takes a scheduled slot
    record = built.record(ws, schedule=f"web-{utcnow():%Y%m%dT%H%M%S%f}")
    stored, _ = store.reports.claim_report(record)
    return stored


def _recipients(request: Request, ws: Workspace, report: Report, typed: str) -> list[str]:
    from socialhub.reports.schedule import schedules_from_setting

    found = [a.strip() for a in typed.replace(";", ",").split(",") if a.strip()]
    if found:
        if any("@" not in a or any(c in a for c in " <>\r\n") for a in found):
            raise ApiError(422, "invalid", M_("Recipients must be email addresses."))
        return found[:20]
    assert ws.id is not None
    try:
        schedules = schedules_from_setting(
            store_of(request).workspaces.get_workspace_settings(ws.id).get("reports")
        )
    except ValueError:
        schedules = []
    for schedule in schedules:
        matches = schedule.name == report.schedule or schedule.kind == report.kind
        if matches and schedule.recipients:
            return list(schedule.recipients)
    raise ApiError(422, "invalid", M_("No recipient: type one or more addresses."))


def _send(request: Request, report: Report, recipients: list[str]) -> str:
    from socialhub.reports.delivery import Mailer, deliver

    mailer = getattr(request.app.state, "report_mailer", None)
    if mailer is None:
        try:
            mailer = Mailer.from_env(attempts=2, backoff=1.0)
        except ValueError as exc:
            raise ApiError(503, "no_smtp", exc) from exc
    store = store_of(request)
    delivery = deliver(store.reports, report, recipients, mailer)
    if delivery.status == "sent" and report.status != "sent":
        report.status = "sent"
        store.reports.update_report(report)
    return delivery.status


async def _json(request: Request) -> dict[str, Any]:
    import json

    try:
        body = json.loads(await request.body() or b"{}")
    except ValueError as exc:
        raise ApiError(422, "invalid", M_("Expected a JSON object.")) from exc
    if not isinstance(body, dict):
        raise ApiError(422, "invalid", M_("Expected a JSON object."))
    return body


@router.post("/w/{slug}/reports/build", include_in_schema=False)
async def build_from_page(request: Request, ctx: Manage) -> RedirectResponse:
    data = await _form(request)
    report = await run_in_threadpool(_build_report, request, ctx.workspace, data)
    return RedirectResponse(
        f"/w/{ctx.workspace.slug}/reports?preview={report.id}#preview", status_code=303
    )


@router.post("/w/{slug}/reports/{report_id}/send", include_in_schema=False)
async def send_from_page(request: Request, ctx: Manage, report_id: RowId) -> RedirectResponse:
    report = await _report(request, ctx, report_id)
    data = await _form(request)
    recipients = _recipients(request, ctx.workspace, report, data.get("recipients", ""))
    status = await run_in_threadpool(_send, request, report, recipients)
    return RedirectResponse(
        f"/w/{ctx.workspace.slug}/reports?sent={report.id}&status={status}", status_code=303
    )


@router.post(
    "/api/workspaces/{slug}/reports",
    response_model=ReportSummary,
    tags=["reports"],
    status_code=201,
)
async def build_api(request: Request, ctx: Manage) -> dict[str, Any]:
    """Build and archive a report: ``{"kind", "since", "until", "incident", "alert"}``."""
    body = await _json(request)
    data = {k: str(v) for k, v in body.items() if v is not None}
    report = await run_in_threadpool(_build_report, request, ctx.workspace, data)
    return report.summary()


@router.post(
    "/api/workspaces/{slug}/reports/{report_id}/send", response_model=ReportSent, tags=["reports"]
)
async def send_api(request: Request, ctx: Manage, report_id: RowId) -> dict[str, Any]:
    """Send (or send again) an archived report: ``{"recipients": "a@x, b@y"}``."""
    report = await _report(request, ctx, report_id)
    body = await _json(request)
    typed = str(body.get("recipients", ""))
    recipients = _recipients(request, ctx.workspace, report, typed)
    status = await run_in_threadpool(_send, request, report, recipients)
    return {"id": report.id, "status": status, "recipients": recipients}


@router.get("/w/{slug}/reports", include_in_schema=False)
async def reports_page(
    request: Request,
    ctx: View,
    preview: Annotated[int | None, Query(ge=1, le=2**63 - 1)] = None,
    sent: Annotated[int | None, Query(ge=1, le=2**63 - 1)] = None,
    status: Annotated[str | None, Query(max_length=20)] = None,
) -> HTMLResponse:
    store = store_of(request)
    reports = await run_in_threadpool(
        store.reports.list_reports, workspace_id=ctx.workspace.id, limit=200
    )
    deliveries: dict[int, list[Any]] = {}
    for d in await run_in_threadpool(store.reports.list_report_deliveries):
        deliveries.setdefault(d.report_id, []).append(d)
    tz = ZoneInfo(ctx.workspace.timezone)
    ids = {r.id for r in reports}
    return workspace_page(
        "reports.html",
        ctx,
        _("Reports") + f" — {ctx.workspace.name}",
        can_legal=ctx.can("legal.manage"),
        section="reports",
        can_manage=ctx.can("reports.manage"),
        kind_names={
            "digest": _("Press digest"),
            "competitors": _("Competitor report"),
            "crisis": _("Crisis report"),
        },
        preview=preview if preview in ids else None,
        sent=sent if sent in ids else None,
        sent_status=status if status in ("sent", "failed") else None,
        reports=[
            {
                "report": r,
                "period": f"{_local(r.period_start, tz)} → {_local(r.period_end, tz)}",
                "ready": r.status in ("built", "sent"),
                "deliveries": [
                    {"to": d.recipients, "status": d.status, "at": _local(d.at, tz) if d.at else ""}
                    for d in deliveries.get(r.id or 0, [])
                ],
            }
            for r in reports
        ],
    )


def _local(when: datetime, tz: ZoneInfo) -> str:
    """In the workspace's zone, as the reader's locale writes it (24-hour clock in French)."""
    return format_datetime(when, "short", timezone=str(tz))
