"""Build a report: gather its data, render the HTML (email and print flavours) and
the PDF, and return an unsaved :class:`~socialhub.records.reports.Report`."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from socialhub.i18n import use_locale
from socialhub.models import Workspace
from socialhub.records.reports import REPORT_KINDS, Report
from socialhub.reports.render import render_html, title
from socialhub.store.base import Store

__all__ = ["Built", "build", "report_data"]


class Built:
    """A built report: its data, email HTML, print HTML and PDF (None if not asked)."""

    def __init__(self, data: dict[str, Any], html: str, print_html: str, pdf: bytes | None):
        self.data = data
        self.html = html
        self.print_html = print_html
        self.pdf = pdf

    def record(self, ws: Workspace, schedule: str = "", status: str = "built") -> Report:
        assert ws.id is not None
        return Report(
            workspace_id=ws.id,
            kind=self.data["kind"],
            period_start=datetime.fromisoformat(self.data["period"]["start"]),
            period_end=datetime.fromisoformat(self.data["period"]["end"]),
            title=title(self.data),
            schedule=schedule,
            status=status,
            data=self.data,
            html=self.html,
            pdf=self.pdf,
        )


def report_data(
    store: Store,
    ws: Workspace,
    kind: str,
    start: datetime | None,
    end: datetime | None,
    options: dict[str, Any] | None = None,
    *,
    alert_id: int | None = None,
    incident_id: int | None = None,
) -> dict[str, Any]:
    """The JSON-able data of a report of ``kind`` (a crisis report needs an
    ``incident_id`` or an ``alert_id``)."""
    if kind not in REPORT_KINDS:
        raise ValueError(f"unknown report kind {kind!r}; expected one of {REPORT_KINDS}")
    from socialhub.reports.digest import report_lang

    # the texts written while gathering (reasons, suggested actions, playbook steps)
    # are in the report's language
    with use_locale(report_lang(ws, dict(options or {})), ws.timezone):
        return _report_data(
            store, ws, kind, start, end, options, alert_id=alert_id, incident_id=incident_id
        )


def _report_data(
    store: Store,
    ws: Workspace,
    kind: str,
    start: datetime | None,
    end: datetime | None,
    options: dict[str, Any] | None,
    *,
    alert_id: int | None,
    incident_id: int | None,
) -> dict[str, Any]:
    if kind == "crisis":
        from socialhub.reports.crisis import build_crisis, build_crisis_incident

        if incident_id is not None:
            incident = store.incidents.get_incident(incident_id, ws.id)
            if incident is None:
                raise ValueError(f"no incident {incident_id} in this workspace")
            return build_crisis_incident(store, ws, incident, options, start=start, end=end)
        if alert_id is None:
            raise ValueError("a crisis report is made from an incident or an alert: give its id")
        alert = store.alerts.get_alert(alert_id)
        if alert is None:
            raise ValueError(f"no alert {alert_id}")
        return build_crisis(store, ws, alert, options, start=start, end=end)
    if start is None or end is None:
        raise ValueError(f"a {kind} report needs a period (since and until)")
    if kind == "competitors":
        from socialhub.reports.competitors import build_competitors

        data = build_competitors(store, ws, start, end, options)
    else:
        from socialhub.reports.digest import build_digest

        data = build_digest(store, ws, start, end, options)
    data["responsiveness"] = responsiveness(store, ws, start, end)
    return data


def responsiveness(
    store: Store, ws: Workspace, start: datetime, end: datetime
) -> dict[str, Any] | None:
    """Did we answer: the engagement measures of the period, None without an inbox."""
    from socialhub.engage.measures import engagement_measures
    from socialhub.engage.policy import policy_from

    assert ws.id is not None
    measures = engagement_measures(
        store.engage,
        ws.id,
        start,
        end,
        policy_from(store.workspaces.get_workspace_settings(ws.id)).first_response_minutes,
    )
    return measures if measures["workspace"]["items"] else None


def build(
    store: Store,
    ws: Workspace,
    kind: str,
    start: datetime | None,
    end: datetime | None,
    options: dict[str, Any] | None = None,
    *,
    alert_id: int | None = None,
    incident_id: int | None = None,
    pdf: bool = True,
) -> Built:
    data = report_data(
        store, ws, kind, start, end, options, alert_id=alert_id, incident_id=incident_id
    )
    document = None
    if pdf and kind == "digest":
        # the length budget: lists cut from their least important end until it fits
        from socialhub.reports.fit import fit_pdf
        from socialhub.reports.pdf import html_to_pdf_pages

        print_html, document, _ = fit_pdf(
            data, lambda d: render_html(d, pdf=True), html_to_pdf_pages
        )
        return Built(data, render_html(data), print_html, document)
    html = render_html(data)
    print_html = render_html(data, pdf=True)
    if pdf:
        from socialhub.reports.pdf import html_to_pdf

        document = html_to_pdf(print_html)
    return Built(data, html, print_html, document)
