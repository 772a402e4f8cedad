"""Archived reports, their delivery log and the persisted state of report schedules,
shared by both stores (records in :mod:`socialhub.records.reports`; migration 0008).

SQL is written once with ``?`` placeholders (PostgreSQL translates them); times go
through ``self._ts``/``self._dt``; the PDF is a BLOB in SQLite and BYTEA in
PostgreSQL (both drivers take and give ``bytes``; psycopg gives ``memoryview`` on some
paths, hence ``bytes()`` on read).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from socialhub.records.reports import Report, ReportDelivery
from socialhub.store.convert import clean, dump_json, load_json
from socialhub.store.sqlbase import Repo

_COLS = (
    "workspace_id",
    "kind",
    "schedule",
    "period_start",
    "period_end",
    "title",
    "status",
    "data",
    "html",
    "pdf",
    "created_at",
    "updated_at",
)
_SUMMARY_COLS = tuple(c if c not in ("html", "pdf") else f"'' AS {c}" for c in _COLS)


class ReportRepo(Repo):
    """Tables ``reports``, ``report_deliveries`` and ``report_schedules``."""

    def _report(self, row: Sequence[Any]) -> Report:
        data: dict[str, Any] = dict(zip((*_COLS, "id"), row, strict=True))
        for col in ("period_start", "period_end", "created_at", "updated_at"):
            data[col] = self._dt(data[col])
        data["data"] = load_json(data["data"])
        pdf = data["pdf"]
        data["pdf"] = None if pdf is None or pdf == "" else bytes(pdf)
        data["workspace_id"] = int(data["workspace_id"])
        data["id"] = int(data["id"])
        return Report(**data)

    def _report_values(self, report: Report, now: Any) -> list[Any]:
        return [
            report.workspace_id,
            clean(report.kind),
            clean(report.schedule),
            self._ts(report.period_start),
            self._ts(report.period_end),
            clean(report.title),
            report.status,
            dump_json(report.data),
            clean(report.html),
            report.pdf,
            now,
            now,
        ]

    def claim_report(self, report: Report) -> tuple[Report, bool]:
        """Insert a report unless its schedule slot (workspace, schedule, period_end) is
        already taken; return the stored report and whether this call created it.

        On-demand reports (empty ``schedule``) are always inserted.
        """
        now = self._now()
        marks = ", ".join("?" * len(_COLS))
        with self._tx() as cur:
            new_id = self._one(
                cur,
                f"INSERT INTO reports ({', '.join(_COLS)}) VALUES ({marks}) "
                "ON CONFLICT DO NOTHING RETURNING id",
                self._report_values(report, now),
            )
            if new_id is None:
                new_id = self._one(
                    cur,
                    "SELECT id FROM reports WHERE workspace_id = ? AND schedule = ? "
                    "AND period_end = ?",
                    (report.workspace_id, clean(report.schedule), self._ts(report.period_end)),
                )
                created = False
            else:
                created = True
        stored = self.get_report(int(new_id))
        assert stored is not None  # it was just inserted or found in the transaction
        return stored, created

    def update_report(self, report: Report) -> Report:
        """Write a report's status, data, HTML and PDF (by id)."""
        if report.id is None:
            raise ValueError("update_report needs a stored report (with an id)")
        now = self._now()
        with self._tx() as cur:
            cur.execute(
                self._sql(
                    "UPDATE reports SET title = ?, status = ?, data = ?, html = ?, pdf = ?, "
                    "updated_at = ? WHERE id = ?"
                ),
                (
                    clean(report.title),
                    report.status,
                    dump_json(report.data),
                    clean(report.html),
                    report.pdf,
                    now,
                    report.id,
                ),
            )
        return dataclasses.replace(report, updated_at=self._dt(now))

    def get_report(self, report_id: int) -> Report | None:
        rows = self._rows(f"SELECT {', '.join(_COLS)}, id FROM reports WHERE id = ?", [report_id])
        return self._report(rows[0]) if rows else None

    def list_reports(
        self,
        *,
        workspace_id: int | None = None,
        kind: str | None = None,
        schedule: str | None = None,
        limit: int = 50,
    ) -> list[Report]:
        """Newest period first, without HTML nor PDF (``get_report`` has them)."""
        clauses: list[str] = []
        params: list[Any] = []
        for col, value in (("workspace_id", workspace_id), ("kind", kind), ("schedule", schedule)):
            if value is not None:
                clauses.append(f"{col} = ?")
                params.append(value)
        where = (" WHERE " + " AND ".join(clauses)) if clauses else ""
        rows = self._rows(
            f"SELECT {', '.join(_SUMMARY_COLS)}, id FROM reports{where} "
            "ORDER BY period_end DESC, id DESC LIMIT ?",
            [*params, limit],
        )
        return [self._report(r) for r in rows]

    def add_report_delivery(self, delivery: ReportDelivery) -> ReportDelivery:
        at = self._now() if delivery.at is None else self._ts(delivery.at)
        with self._tx() as cur:
            new_id = self._one(
                cur,
                "INSERT INTO report_deliveries (report_id, recipients, status, attempts, "
                "error, at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
                (
                    delivery.report_id,
                    clean(delivery.recipients),
                    delivery.status,
                    delivery.attempts,
                    clean(delivery.error),
                    at,
                ),
            )
        return dataclasses.replace(delivery, id=int(new_id), at=self._dt(at))

    def list_report_deliveries(self, report_id: int | None = None) -> list[ReportDelivery]:
        where, params = ("", []) if report_id is None else (" WHERE report_id = ?", [report_id])
        rows = self._rows(
            "SELECT report_id, recipients, status, attempts, error, at, id "
            f"FROM report_deliveries{where} ORDER BY id",
            params,
        )
        return [
            ReportDelivery(int(r), rc, s, int(n), e, self._dt(at), int(i))
            for r, rc, s, n, e, at, i in rows
        ]

    def get_schedule_state(self, workspace_id: int, name: str) -> datetime | None:
        """The end of the last slot a schedule has handled, or None if never run."""
        rows = self._rows(
            "SELECT last_slot FROM report_schedules WHERE workspace_id = ? AND name = ?",
            [workspace_id, name],
        )
        return self._dt(rows[0][0]) if rows else None

    def set_schedule_state(self, workspace_id: int, name: str, last_slot: datetime) -> None:
        """Record that a schedule has handled every slot up to ``last_slot``; never moves
        the mark backwards (a late, slower scheduler cannot undo a newer one's work)."""
        with self._tx() as cur:
            cur.execute(
                self._sql(
                    "INSERT INTO report_schedules (workspace_id, name, last_slot, updated_at) "
                    "VALUES (?, ?, ?, ?) ON CONFLICT (workspace_id, name) DO UPDATE SET "
                    "last_slot = excluded.last_slot, updated_at = excluded.updated_at "
                    "WHERE excluded.last_slot > report_schedules.last_slot"
                ),
                (workspace_id, clean(name), self._ts(last_slot), self._now()),
            )
