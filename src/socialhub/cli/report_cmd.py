"""`socialhub report KIND` (build, save, archive, send one report) and
`socialhub scheduler` (run the workspaces' report schedules)."""

from __future__ import annotations

import logging
import signal
import threading
from datetime import datetime, timedelta
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.text import Text

from socialhub.cli.common import (
    DEFAULT_DB,
    DbOption,
    JsonOption,
    console,
    out,
    parse_when,
    print_json,
    store_from,
)
from socialhub.i18n import N_, _, format_datetime, ngettext
from socialhub.models import Workspace, utcnow
from socialhub.records.reports import REPORT_KINDS, ReportDelivery
from socialhub.reports.schedule import SETTING, Schedule, schedules_from_setting
from socialhub.store.base import Store, WorkspaceStore

__all__ = ["report", "scheduler"]

# a report's delivery status as a person reads it (stored and in --json as the key)
STATUS_TEXT = {
    "sent": N_("sent"),
    "failed": N_("failed"),
    "built": N_("archived, nobody to send to"),
    "pending": N_("pending"),
    "skipped": N_("skipped, already sent"),
}


def _delivery_line(delivery: ReportDelivery) -> str:
    values = {
        "status": _(STATUS_TEXT.get(delivery.status, delivery.status)),
        "to": delivery.recipients,
        "n": delivery.attempts,
        "error": f" ({delivery.error})" if delivery.error else "",
    }
    return (
        ngettext(
            "%(status)s to %(to)s after %(n)s attempt%(error)s",
            "%(status)s to %(to)s after %(n)s attempts%(error)s",
            delivery.attempts,
        )
        % values
    )


def _workspace(store: Store, slug: str | None) -> Workspace:
    if slug:
        ws = store.workspaces.get_workspace(slug)
        if ws is None:
            console.print(Text(_("no workspace %(slug)r") % {"slug": slug}, "red"))
            raise typer.Exit(1)
        return ws
    workspaces = store.workspaces.list_workspaces()
    if len(workspaces) != 1:
        names = ", ".join(w.slug for w in workspaces) or _("none yet")
        console.print(
            Text(_("choose a workspace with --workspace (%(names)s)") % {"names": names}, "red")
        )
        raise typer.Exit(1)
    return workspaces[0]


def _schedule_for(workspaces: WorkspaceStore, ws: Workspace, kind: str) -> Schedule | None:
    assert ws.id is not None
    value = workspaces.get_workspace_settings(ws.id).get(SETTING)
    try:
        return next((s for s in schedules_from_setting(value) if s.kind == kind), None)
    except ValueError as exc:
        console.print(Text(str(exc), "red"))
        raise typer.Exit(1) from exc


def _default_period(
    kind: str, schedule: Schedule | None, ws: Workspace, now: datetime
) -> tuple[datetime, datetime]:
    """The last completed slot's period of the workspace's schedule (or the default)."""
    if schedule is None:
        schedule = Schedule.from_dict({"name": kind, "kind": kind})
    end = schedule.previous_slot(now, ws.timezone)
    return schedule.previous_slot(end - timedelta(microseconds=1), ws.timezone), end


def report(
    kind: Annotated[str, typer.Argument(help=f"One of: {', '.join(REPORT_KINDS)}.")],
    workspace: Annotated[
        str | None,
        typer.Option("--workspace", "-w", help="Workspace slug (needed when there are several)."),
    ] = None,
    since: Annotated[
        str | None, typer.Option(help="Period start (ISO, UTC if naive, or 12h/7d ago).")
    ] = None,
    until: Annotated[str | None, typer.Option(help="Period end (default: now).")] = None,
    alert: Annotated[
        int | None, typer.Option("--alert", help="Crisis report: the alert's id.")
    ] = None,
    incident: Annotated[
        int | None, typer.Option("--incident", help="Crisis report: the incident's id.")
    ] = None,
    html: Annotated[Path | None, typer.Option("--html", help="Write the email HTML.")] = None,
    pdf: Annotated[Path | None, typer.Option("--pdf", help="Write the PDF.")] = None,
    send: Annotated[bool, typer.Option("--send", help="Email it (SOCIALHUB_SMTP_*).")] = False,
    to: Annotated[
        list[str] | None, typer.Option("--to", help="Recipient (default: the schedule's).")
    ] = None,
    db: DbOption = DEFAULT_DB,
    json: JsonOption = False,
) -> None:
    """Build a report (digest, competitors, crisis), archive it, write or send it.

    Without --since/--until a digest covers the last completed period of the
    workspace's digest schedule (by default 08:00 and 17:00 in its time zone), a
    competitor report the last week, a crisis report the incident's (or alert's) span.
    """
    from socialhub.reports.build import build
    from socialhub.reports.delivery import Mailer, deliver

    if kind not in REPORT_KINDS:
        raise typer.BadParameter(f"unknown kind {kind!r}; expected one of {REPORT_KINDS}")
    store = store_from(db)
    try:
        ws = _workspace(store, workspace)
        schedule = _schedule_for(store.workspaces, ws, kind)
        start, end = parse_when(since, "--since"), parse_when(until, "--until")
        if kind != "crisis" and start is None:
            start, default_end = _default_period(kind, schedule, ws, end or utcnow())
            end = end or default_end
        elif kind != "crisis":
            end = end or utcnow()
        try:
            built = build(
                store,
                ws,
                kind,
                start,
                end,
                schedule.options if schedule else {},
                alert_id=alert,
                incident_id=incident,
                pdf=pdf is not None or send,
            )
        except ValueError as exc:
            console.print(Text(str(exc), "red"))
            raise typer.Exit(1) from exc
        stored, _new = store.reports.claim_report(built.record(ws))
        if html is not None:
            html.write_text(built.html, encoding="utf-8")
        if pdf is not None and built.pdf is not None:
            pdf.write_bytes(built.pdf)
        delivery = None
        if send:
            recipients = list(to or (schedule.recipients if schedule else []))
            if not recipients:
                console.print(Text(_("no recipient: give --to or set the schedule's"), "red"))
                raise typer.Exit(1)
            try:
                mailer = Mailer.from_env()
            except ValueError as exc:
                console.print(Text(str(exc), "red"))
                raise typer.Exit(1) from exc
            delivery = deliver(store.reports, stored, recipients, mailer)
            stored.status = delivery.status
            store.reports.update_report(stored)
        if json:
            print_json(
                {
                    "report": stored.summary(),
                    "delivery": None if delivery is None else delivery.status,
                    "data": built.data,
                }
            )
        else:
            out.print(
                Text(_("report %(id)s: %(title)s") % {"id": stored.id, "title": stored.title})
            )
            if kind != "crisis" and start is not None and end is not None:
                hint = _outside_the_data(store, ws.id, start, end)
                if hint:
                    console.print(Text(hint, "yellow"))
            if delivery is not None:
                out.print(
                    Text(_delivery_line(delivery), "green" if delivery.status == "sent" else "red")
                )
        if delivery is not None and delivery.status != "sent":
            raise typer.Exit(1)
    finally:
        store.close()


def _outside_the_data(store: Any, workspace_id: int | None, start: Any, end: Any) -> str:
    """A warning when the report's period holds none of the workspace's mentions (an
    imported archive, years old, under the default period), with the options that reach
    them; "" when the period overlaps the data or there is no data at all."""
    from socialhub.store.extent import mention_extent

    if workspace_id is None:
        return ""
    ends = mention_extent(store.db, workspace_id)
    if ends is None or (ends[0] < end and ends[1] >= start):
        return ""
    first, last = ends
    return _(
        "This period holds none of the workspace's mentions; they run from %(first)s to"
        " %(last)s (try --since %(since)s --until %(until)s)."
    ) % {
        "first": f"{first:%Y-%m-%d %H:%M}",
        "last": f"{last:%Y-%m-%d %H:%M}",
        "since": f"{first:%Y-%m-%d}",
        "until": f"{last + timedelta(days=1):%Y-%m-%d}",
    }


def scheduler(
    once: Annotated[bool, typer.Option("--once", help="Run due schedules once and exit.")] = False,
    interval: Annotated[float, typer.Option(help="Seconds between runs.", min=1)] = 60.0,
    db: DbOption = DEFAULT_DB,
    json: JsonOption = False,
) -> None:
    """Run the report schedules of every workspace: each due report built, archived and
    sent once (SMTP from SOCIALHUB_SMTP_*; without it reports are only archived)."""
    from socialhub.reports.delivery import Mailer
    from socialhub.reports.scheduler import Scheduler

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    try:
        mailer: Mailer | None = Mailer.from_env()
    except ValueError:
        mailer = None
        console.print(
            Text(_("SOCIALHUB_SMTP_HOST not set: reports are archived, not sent"), "yellow")
        )
    store = store_from(db)
    try:
        from socialhub.legal.proposals import FlaggingJob
        from socialhub.privacy.retention import RetentionJob

        runner = Scheduler(store, mailer, jobs=[RetentionJob(store), FlaggingJob(store)])
        if once:
            outcomes = runner.run_due()
            if json:
                print_json([
                    {"workspace": o.workspace, "schedule": o.schedule,
                     "slot": o.slot.isoformat(), "report_id": o.report_id, "status": o.status}
                    for o in outcomes
                ])  # fmt: skip
            else:
                for o in outcomes:
                    out.print(Text(_("%(ws)s/%(schedule)s %(slot)s: report %(id)s, %(status)s") % {
                        "ws": o.workspace, "schedule": o.schedule,
                        "slot": format_datetime(o.slot, "short"), "id": o.report_id,
                        "status": _(STATUS_TEXT.get(o.status, o.status)),
                    }))  # fmt: skip
            if any(o.status == "failed" for o in outcomes):
                raise typer.Exit(1)
            return
        stop = threading.Event()
        signal.signal(signal.SIGTERM, lambda *_: stop.set())
        try:
            runner.run_forever(stop, interval)
        except KeyboardInterrupt:
            stop.set()
    finally:
        store.close()
