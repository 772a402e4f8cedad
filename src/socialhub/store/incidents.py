"""Incidents, the alerts and stories they group, and their append-only timeline
(migration 0019_i14a_incidents), on SQLite and PostgreSQL.

``store.incidents``: SQL written once with ``?`` placeholders, times through
``self._ts``/``self._dt``. Records in :mod:`socialhub.records.incidents`; what opens,
grows and escalates incidents in :mod:`socialhub.alerts.incidents`. Read an incident's
alerts with ``[store.alerts.get_alert(i) for i in store.incidents.alert_ids(id)]`` and
its stories with ``store.stories.get(ws, i)`` over ``story_ids`` (see docs/incidents.md).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from socialhub.records.incidents import (
    ACTIVE_STATUSES,
    LINK_KINDS,
    STATUSES,
    Incident,
    IncidentEvent,
    PlaybookStep,
)
from socialhub.store.convert import clean, dump_json, load_json
from socialhub.store.sqlbase import Repo

ORDERS = {
    "importance": "importance DESC, severity DESC, opened_at DESC, id DESC",
    "recent": "opened_at DESC, id DESC",
    "severity": "severity DESC, opened_at DESC, id DESC",
}
_COLS = (
    "workspace_id",
    "title",
    "severity",
    "status",
    "category",
    "owner",
    "opened_by",
    "opened_at",
    "importance",
    "explanation",
    "playbook",
    "steps",
    "acknowledged_by",
    "acknowledged_at",
    "escalation_level",
    "monitoring_proposed_at",
    "closed_by",
    "closed_at",
    "created_at",
    "updated_at",
)
_TIME_COLS = (
    "opened_at",
    "acknowledged_at",
    "monitoring_proposed_at",
    "closed_at",
    "created_at",
    "updated_at",
)
_SELECT = f"SELECT {', '.join(_COLS)}, id FROM incidents"


class IncidentRepo(Repo):
    """:class:`~socialhub.store.base.IncidentStore` (tables ``incidents``,
    ``incident_links``, ``incident_events``)."""

    # -- incidents ----------------------------------------------------------------------

    def _values(self, inc: Incident) -> list[Any]:
        out: list[Any] = []
        for col in _COLS:
            value = getattr(inc, col)
            if col == "steps":
                value = dump_json([s.to_dict() for s in value])
            elif col == "explanation":
                value = dump_json(value)
            elif col in _TIME_COLS:
                value = None if value is None else self._ts(value)
            elif isinstance(value, str):
                value = clean(value)
            out.append(value)
        return out

    def _record(self, row: Sequence[Any]) -> Incident:
        data: dict[str, Any] = dict(zip((*_COLS, "id"), row, strict=True))
        for col in _TIME_COLS:
            if data[col] is not None:
                data[col] = self._dt(data[col])
        data["explanation"] = load_json(data["explanation"]) or []
        steps = []
        for s in load_json(data["steps"]) or []:
            at = s.get("done_at")
            s["done_at"] = datetime.fromisoformat(at) if at else None
            steps.append(PlaybookStep(**s))
        data["steps"] = steps
        for col in ("workspace_id", "id", "severity", "escalation_level"):
            data[col] = int(data[col])
        data["importance"] = float(data["importance"])
        return Incident(**data)

    def save_incident(self, incident: Incident) -> Incident:
        """Insert (no id) or update (id) an incident; returns a copy with id and times."""
        now = self._now()
        if incident.id is None:
            incident = dataclasses.replace(
                incident, created_at=self._dt(now), updated_at=self._dt(now)
            )
            marks = ", ".join("?" * len(_COLS))
            with self._tx() as cur:
                new_id = self._one(
                    cur,
                    f"INSERT INTO incidents ({', '.join(_COLS)}) VALUES ({marks}) RETURNING id",
                    self._values(incident),
                )
            return dataclasses.replace(incident, id=int(new_id))
        incident = dataclasses.replace(incident, updated_at=self._dt(now))
        pairs = [
            (c, v)
            for c, v in zip(_COLS, self._values(incident), strict=True)
            if c not in ("created_at", "workspace_id")
        ]
        sets = ", ".join(f"{c} = ?" for c, _ in pairs)
        with self._tx() as cur:
            cur.execute(
                self._sql(f"UPDATE incidents SET {sets} WHERE id = ?"),
                (*[v for _, v in pairs], incident.id),
            )
        return incident

    def get_incident(self, incident_id: int, workspace_id: int | None = None) -> Incident | None:
        """The incident, or None (also when it belongs to another workspace)."""
        sql, params = f"{_SELECT} WHERE id = ?", [int(incident_id)]
        if workspace_id is not None:
            sql += " AND workspace_id = ?"
            params.append(int(workspace_id))
        rows = self._rows(sql, params)
        return self._record(rows[0]) if rows else None

    def list_incidents(
        self,
        workspace_id: int | None = None,
        *,
        status: str | None = None,
        order: str = "importance",
        since: datetime | None = None,
        limit: int = 100,
    ) -> list[Incident]:
        """Incidents, most important first (or ``order="recent"``/``"severity"``);
        ``status="active"`` means open or monitoring."""
        if order not in ORDERS:
            raise ValueError(f"unknown incident order {order!r}; expected one of {list(ORDERS)}")
        clauses: list[str] = []
        params: list[Any] = []
        if workspace_id is not None:
            clauses.append("workspace_id = ?")
            params.append(int(workspace_id))
        if status == "active":
            clauses.append("status IN (?, ?)")
            params.extend(ACTIVE_STATUSES)
        elif status is not None:
            if status not in STATUSES:
                raise ValueError(f"unknown incident status {status!r}")
            clauses.append("status = ?")
            params.append(status)
        if since is not None:
            clauses.append("opened_at >= ?")
            params.append(self._ts(since))
        where = f" WHERE {' AND '.join(clauses)}" if clauses else ""
        rows = self._rows(f"{_SELECT}{where} ORDER BY {ORDERS[order]} LIMIT ?", [*params, limit])
        return [self._record(r) for r in rows]

    # -- links --------------------------------------------------------------------------

    def link(self, incident_id: int, kind: str, ref_id: int, at: datetime | None = None) -> bool:
        """Group an alert or a story under the incident; False if it already was."""
        if kind not in LINK_KINDS:
            raise ValueError(f"unknown incident link {kind!r}; expected one of {LINK_KINDS}")
        when = self._now() if at is None else self._ts(at)
        with self._tx() as cur:
            cur.execute(
                self._sql(
                    "INSERT INTO incident_links (incident_id, kind, ref_id, added_at) "
                    "VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING RETURNING ref_id"
                ),
                (int(incident_id), kind, int(ref_id), when),
            )
            return cur.fetchone() is not None

    def _linked(self, incident_id: int, kind: str) -> list[int]:
        rows = self._rows(
            "SELECT ref_id FROM incident_links WHERE incident_id = ? AND kind = ? "
            "ORDER BY added_at, ref_id",
            [int(incident_id), kind],
        )
        return [int(r[0]) for r in rows]

    def alert_ids(self, incident_id: int) -> list[int]:
        """The ids of the alerts the incident groups, first grouped first."""
        return self._linked(incident_id, "alert")

    def story_ids(self, incident_id: int) -> list[int]:
        """The ids of the stories the incident groups, first grouped first."""
        return self._linked(incident_id, "story")

    def incidents_of(self, kind: str, ref_id: int) -> list[int]:
        """The ids of the incidents grouping this alert or story."""
        rows = self._rows(
            "SELECT incident_id FROM incident_links WHERE kind = ? AND ref_id = ? "
            "ORDER BY incident_id",
            [kind, int(ref_id)],
        )
        return [int(r[0]) for r in rows]

    # -- timeline -----------------------------------------------------------------------

    def add_event(self, event: IncidentEvent) -> IncidentEvent:
        """Append one line to the incident's timeline (never changed afterwards)."""
        with self._tx() as cur:
            new_id = self._one(
                cur,
                "INSERT INTO incident_events (incident_id, kind, t, actor, details) "
                "VALUES (?, ?, ?, ?, ?) RETURNING id",
                (
                    int(event.incident_id),
                    event.kind,
                    self._ts(event.t),
                    clean(event.actor),
                    dump_json(event.details),
                ),
            )
        return dataclasses.replace(event, id=int(new_id))

    def timeline(self, incident_id: int) -> list[IncidentEvent]:
        """The incident's events, oldest first."""
        rows = self._rows(
            "SELECT incident_id, kind, t, actor, details, id FROM incident_events "
            "WHERE incident_id = ? ORDER BY t, id",
            [int(incident_id)],
        )
        return [
            IncidentEvent(
                incident_id=int(r[0]),
                kind=str(r[1]),
                t=self._dt(r[2]),
                actor=str(r[3]),
                details=load_json(r[4]) or {},
                id=int(r[5]),
            )
            for r in rows
        ]


__all__ = ["ORDERS", "IncidentRepo"]
