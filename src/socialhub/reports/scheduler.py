"""The report scheduler: build, archive and send every due report exactly once.

State is persisted per (workspace, schedule) as ``last_slot``: the end of the last
slot fully handled. A run takes every slot after it up to now, in order, so a
scheduler that was down sends each missed report (each covering its own period) when
it comes back: nothing is skipped. Each slot is first **claimed** in the ``reports``
table (unique on workspace, schedule, period end); a claimed slot whose report was
already sent is never sent again, so a restart (or two schedulers) cannot send one
twice. The mark moves past a slot only once its report is sent (or archived, when
the schedule has no recipients); a failed send stops that schedule's run and is
tried again at the next run, later slots waiting behind it to keep the order.

The only window left is a crash after the SMTP server accepted the message and
before the store recorded it: that report is sent again after the restart (SMTP has
no idempotent submit). The message keeps the same Message-ID base (the report id).

The first time a schedule is seen, its latest past slot becomes the mark: the first
report is the next slot's (a schedule added at 10:00 sends its first digest at 17:00).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from socialhub.models import Workspace, utcnow
from socialhub.records.reports import Report
from socialhub.reports.build import build
from socialhub.reports.delivery import Mailer, deliver
from socialhub.reports.schedule import SETTING, Schedule, schedules_from_setting
from socialhub.store.base import Store

log = logging.getLogger(__name__)

__all__ = ["Outcome", "Scheduler"]


@dataclass(slots=True)
class Outcome:
    workspace: str
    schedule: str
    slot: datetime
    report_id: int | None
    status: str  # sent, built (archived, nobody to send to), failed, skipped (already sent)


class Scheduler:
    """Runs the due report schedules of every workspace of a store."""

    def __init__(
        self,
        store: Store,
        mailer: Mailer | None = None,
        *,
        clock: Callable[[], datetime] = utcnow,
        jobs: Sequence[Callable[[datetime], object]] = (),
    ) -> None:
        self.store = store
        self.mailer = mailer
        self.clock = clock
        # Housekeeping run at each pass (e.g. privacy.retention.RetentionJob).
        self.jobs = list(jobs)

    def schedules(self, ws: Workspace) -> list[Schedule]:
        assert ws.id is not None
        value = self.store.workspaces.get_workspace_settings(ws.id).get(SETTING)
        return [s for s in schedules_from_setting(value) if s.enabled]

    def run_due(self, now: datetime | None = None) -> list[Outcome]:
        """Handle every due slot of every schedule once; returns what was done."""
        now = now or self.clock()
        outcomes: list[Outcome] = []
        for ws in self.store.workspaces.list_workspaces():
            assert ws.id is not None
            try:
                schedules = self.schedules(ws)
            except ValueError as exc:
                log.error("workspace %s: %s", ws.slug, exc)
                continue
            for schedule in schedules:
                outcomes += self._run_schedule(ws, schedule, now)
        for job in self.jobs:
            try:
                job(now)
            except Exception:  # housekeeping must not stop the reports
                log.exception("scheduler job %r failed", job)
        return outcomes

    def _run_schedule(self, ws: Workspace, schedule: Schedule, now: datetime) -> list[Outcome]:
        assert ws.id is not None
        mark = self.store.reports.get_schedule_state(ws.id, schedule.name)
        if mark is None:
            first = schedule.previous_slot(now, ws.timezone)
            self.store.reports.set_schedule_state(ws.id, schedule.name, first)
            log.info("schedule %s/%s starts after %s", ws.slug, schedule.name, first)
            return []
        outcomes = []
        for slot in schedule.slots_between(mark, now, ws.timezone):
            outcome = self._run_slot(ws, schedule, slot)
            outcomes.append(outcome)
            if outcome.status == "failed":
                break  # tried again next run; later slots wait to keep the order
            self.store.reports.set_schedule_state(ws.id, schedule.name, slot)
        return outcomes

    def _run_slot(self, ws: Workspace, schedule: Schedule, slot: datetime) -> Outcome:
        assert ws.id is not None
        start = schedule.previous_slot(slot - timedelta(microseconds=1), ws.timezone)
        claim = Report(
            ws.id, schedule.kind, start, slot, title=schedule.name, schedule=schedule.name
        )
        report, _ = self.store.reports.claim_report(claim)
        if report.status == "sent":
            return Outcome(ws.slug, schedule.name, slot, report.id, "skipped")
        if report.status == "pending" or not report.html:
            built = build(
                self.store, ws, schedule.kind, start, slot, schedule.options, pdf=schedule.pdf
            )
            fresh = built.record(ws, schedule.name)
            fresh.id, fresh.created_at = report.id, report.created_at
            report = self.store.reports.update_report(fresh)
        if not schedule.recipients:
            return Outcome(ws.slug, schedule.name, slot, report.id, "built")
        if self.mailer is None:
            log.warning("report %s built but not sent: no SMTP configured", report.id)
            return Outcome(ws.slug, schedule.name, slot, report.id, "built")
        delivery = deliver(self.store.reports, report, schedule.recipients, self.mailer)
        report.status = delivery.status
        self.store.reports.update_report(report)
        return Outcome(ws.slug, schedule.name, slot, report.id, delivery.status)

    def publish_posts(self) -> int:
        """Publish the approved engagement posts that are due (scheduled posts in their
        workspace's time zone, and any left mid-publication); returns how many went out."""
        from socialhub.engage.service import Engagement

        done = Engagement(self.store, clock=self.clock).publish_due()
        for draft_id, outcome in done:
            if outcome is not None and outcome.published is None:
                log.warning("post %s not published: %s", draft_id, outcome.error)
        return sum(1 for _, o in done if o is not None and o.published is not None)

    def run_forever(self, stop: threading.Event, interval: float = 60.0) -> None:
        """Run due schedules (and due posts) every ``interval`` seconds until ``stop``."""
        while not stop.is_set():
            try:
                for outcome in self.run_due():
                    log.info("report %s", outcome)
                self.publish_posts()
            except Exception:  # a bad run must not stop the next ones
                log.exception("scheduler run failed")
            stop.wait(interval)
