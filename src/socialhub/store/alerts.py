"""Alerts, their audit trail, the delivery log, in-app notifications and per-rule
tuning, shared by both stores (records in :mod:`socialhub.records.alerts`).

SQL is written once with ``?`` placeholders (PostgreSQL translates them); times go
through ``self._ts``/``self._dt``; JSON through ``dump_json``/``load_json``; the
``feedback`` flag is 0/1 in SQLite and BOOLEAN in PostgreSQL, read back with ``bool()``.
The mixin relies on the primitives of :class:`socialhub.store.admin.AdminMixin`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from socialhub.records.alerts import (
    ACTIVE_STATES,
    Alert,
    AlertEvent,
    Delivery,
    Notification,
    Tuning,
)
from socialhub.store.convert import clean, dump_json, load_json
from socialhub.store.sqlbase import Repo
from socialhub.store.sqlbase import filters as _filters

# Column order of ``alerts`` as written and read (id last).
_ALERT_COLS = (
    "workspace_id",
    "query_id",
    "rule",
    "detector",
    "version",
    "key",
    "title",
    "state",
    "severity",
    "peak_severity",
    "trend",
    "observed",
    "baseline",
    "threshold",
    "score",
    "multiplier",
    "params",
    "evidence",
    "extra",
    "provenance",
    "signals",
    "importance",
    "first_t",
    "last_t",
    "acknowledged_by",
    "acknowledged_at",
    "resolved_by",
    "resolved_at",
    "resolution",
    "feedback",
    "feedback_by",
    "feedback_at",
    "feedback_note",
    "created_at",
    "updated_at",
)
_JSON_COLS = ("params", "evidence", "extra", "provenance")
_TIME_COLS = (
    "first_t",
    "last_t",
    "acknowledged_at",
    "resolved_at",
    "feedback_at",
    "created_at",
    "updated_at",
)
_ORDERS = {
    "recent": "last_t DESC, id DESC",
    "severity": "severity DESC, last_t DESC, id DESC",
    "importance": "importance DESC, severity DESC, last_t DESC, id DESC",
}
_SELECT_ALERT = f"SELECT {', '.join(_ALERT_COLS)}, id FROM alerts"


class AlertRepo(Repo):
    """Tables ``alerts``, ``alert_events``, ``alert_deliveries``, ``notifications`` and
    ``alert_tuning`` (migration 0006)."""

    # -- alerts ---------------------------------------------------------------------

    def _alert_values(self, alert: Alert) -> list[Any]:
        values: list[Any] = []
        for col in _ALERT_COLS:
            value = getattr(alert, col)
            if col in _JSON_COLS:
                value = dump_json(value)
            elif col in _TIME_COLS:
                value = None if value is None else self._ts(value)
            elif col == "feedback":
                value = None if value is None else bool(value)
            elif isinstance(value, str):
                value = clean(value)
            values.append(value)
        return values

    def _alert(self, row: Sequence[Any]) -> Alert:
        data: dict[str, Any] = dict(zip((*_ALERT_COLS, "id"), row, strict=True))
        for col in _JSON_COLS:
            data[col] = load_json(data[col])
        for col in _TIME_COLS:
            if data[col] is not None:
                data[col] = self._dt(data[col])
        if data["feedback"] is not None:
            data["feedback"] = bool(data["feedback"])
        for col in ("workspace_id", "query_id", "id"):
            if data[col] is not None:
                data[col] = int(data[col])
        for col in ("observed", "baseline", "threshold", "score", "multiplier", "importance"):
            data[col] = float(data[col])
        return Alert(**data)

    def save_alert(self, alert: Alert) -> Alert:
        """Insert (no id) or update (id) an alert; returns a copy with id and times."""
        now = self._now()
        if alert.id is None:
            alert = dataclasses.replace(alert, created_at=self._dt(now), updated_at=self._dt(now))
            marks = ", ".join("?" * len(_ALERT_COLS))
            with self._tx() as cur:
                alert_id = self._one(
                    cur,
                    f"INSERT INTO alerts ({', '.join(_ALERT_COLS)}) VALUES ({marks}) RETURNING id",
                    self._alert_values(alert),
                )
            return dataclasses.replace(alert, id=int(alert_id))
        alert = dataclasses.replace(alert, updated_at=self._dt(now))
        sets = ", ".join(f"{c} = ?" for c in _ALERT_COLS if c != "created_at")
        values = [
            v
            for c, v in zip(_ALERT_COLS, self._alert_values(alert), strict=True)
            if c != "created_at"
        ]
        with self._tx() as cur:
            cur.execute(self._sql(f"UPDATE alerts SET {sets} WHERE id = ?"), (*values, alert.id))
        return alert

    def get_alert(self, alert_id: int) -> Alert | None:
        rows = self._rows(f"{_SELECT_ALERT} WHERE id = ?", [alert_id])
        return self._alert(rows[0]) if rows else None

    def list_alerts(
        self,
        *,
        workspace_id: int | None = None,
        state: str | None = None,
        rule: str | None = None,
        since: datetime | None = None,
        limit: int = 100,
        order: str = "recent",
        until: datetime | None = None,
        min_severity: int | None = None,
    ) -> list[Alert]:
        """Alerts newest (by last signal) first, or with ``order="severity"`` the most
        severe first (then newest): what a team should look at first.
        ``state="active"`` means open or acknowledged."""
        if order not in _ORDERS:
            raise ValueError(f"unknown order {order!r}; expected one of {sorted(_ORDERS)}")
        where, params = _filters(workspace_id=workspace_id, rule=rule)
        clauses = [where[len(" WHERE ") :]] if where else []
        if state == "active":
            clauses.append("state IN (?, ?)")
            params.extend(ACTIVE_STATES)
        elif state is not None:
            clauses.append("state = ?")
            params.append(state)
        if since is not None:
            clauses.append("last_t >= ?")
            params.append(self._ts(since))
        if until is not None:
            clauses.append("first_t < ?")
            params.append(self._ts(until))
        if min_severity is not None:
            clauses.append("peak_severity >= ?")
            params.append(int(min_severity))
        sql = _SELECT_ALERT + (" WHERE " + " AND ".join(clauses) if clauses else "")
        rows = self._rows(f"{sql} ORDER BY {_ORDERS[order]} LIMIT ?", [*params, limit])
        return [self._alert(r) for r in rows]

    def latest_alert(self, rule: str) -> Alert | None:
        """The rule's most recent alert (any state): what merging and cooldown look at."""
        rows = self._rows(
            f"{_SELECT_ALERT} WHERE rule = ? ORDER BY last_t DESC, id DESC LIMIT 1", [rule]
        )
        return self._alert(rows[0]) if rows else None

    # -- audit trail ------------------------------------------------------------------

    def add_alert_event(self, event: AlertEvent) -> AlertEvent:
        with self._tx() as cur:
            event_id = self._one(
                cur,
                "INSERT INTO alert_events (alert_id, kind, t, actor, details) "
                "VALUES (?, ?, ?, ?, ?) RETURNING id",
                (
                    event.alert_id,
                    clean(event.kind),
                    self._ts(event.t),
                    clean(event.actor),
                    dump_json(event.details),
                ),
            )
        return dataclasses.replace(event, id=int(event_id))

    def list_alert_events(self, alert_id: int) -> list[AlertEvent]:
        """An alert's events in the order they were recorded."""
        rows = self._rows(
            "SELECT alert_id, kind, t, actor, details, id FROM alert_events "
            "WHERE alert_id = ? ORDER BY id",
            [alert_id],
        )
        return [
            AlertEvent(int(a), k, self._dt(t), actor, dict(load_json(d) or {}), int(i))
            for a, k, t, actor, d, i in rows
        ]

    # -- delivery log ---------------------------------------------------------------

    def add_delivery(self, delivery: Delivery) -> Delivery:
        at = self._now() if delivery.at is None else self._ts(delivery.at)
        with self._tx() as cur:
            delivery_id = self._one(
                cur,
                "INSERT INTO alert_deliveries (alert_id, channel, event, status, attempts, "
                "error, at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
                (
                    delivery.alert_id,
                    clean(delivery.channel),
                    clean(delivery.event),
                    delivery.status,
                    delivery.attempts,
                    clean(delivery.error),
                    at,
                ),
            )
        return dataclasses.replace(delivery, id=int(delivery_id), at=self._dt(at))

    def list_deliveries(
        self, *, alert_id: int | None = None, channel: str | None = None, limit: int = 200
    ) -> list[Delivery]:
        """Newest first."""
        where, params = _filters(alert_id=alert_id, channel=channel)
        rows = self._rows(
            "SELECT alert_id, channel, event, status, attempts, error, at, id "
            f"FROM alert_deliveries{where} ORDER BY at DESC, id DESC LIMIT ?",
            [*params, limit],
        )
        return [
            Delivery(int(a), c, e, s, int(n), err, self._dt(at), int(i))
            for a, c, e, s, n, err, at, i in rows
        ]

    def count_deliveries(self, channel: str, since: datetime, *, status: str = "sent") -> int:
        """How many deliveries a channel made since a time (what rate caps count)."""
        rows = self._rows(
            "SELECT count(*) FROM alert_deliveries WHERE channel = ? AND status = ? AND at >= ?",
            [channel, status, self._ts(since)],
        )
        return int(rows[0][0])

    # -- in-app notifications ----------------------------------------------------------

    def add_notification(self, note: Notification) -> Notification:
        at = self._now() if note.created_at is None else self._ts(note.created_at)
        with self._tx() as cur:
            note_id = self._one(
                cur,
                "INSERT INTO notifications (workspace_id, alert_id, username, title, body, "
                "severity, created_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
                (
                    note.workspace_id,
                    note.alert_id,
                    clean(note.username),
                    clean(note.title),
                    clean(note.body),
                    note.severity,
                    at,
                ),
            )
        return dataclasses.replace(note, id=int(note_id), created_at=self._dt(at))

    def list_notifications(
        self,
        *,
        workspace_id: int | None = None,
        username: str | None = None,
        unread_only: bool = False,
        limit: int = 100,
    ) -> list[Notification]:
        """Newest first; ``username`` also gets the workspace-wide ones (empty username)."""
        where, params = _filters(workspace_id=workspace_id)
        clauses = [where[len(" WHERE ") :]] if where else []
        if username is not None:
            clauses.append("username IN (?, '')")
            params.append(username)
        if unread_only:
            clauses.append("read_at IS NULL")
        sql = (
            "SELECT alert_id, title, body, severity, workspace_id, username, created_at, "
            "read_at, id FROM notifications"
            + (" WHERE " + " AND ".join(clauses) if clauses else "")
        )
        rows = self._rows(f"{sql} ORDER BY created_at DESC, id DESC LIMIT ?", [*params, limit])
        return [
            Notification(
                int(a),
                t,
                b,
                int(s),
                None if w is None else int(w),
                u,
                self._dt(c),
                None if r is None else self._dt(r),
                int(i),
            )
            for a, t, b, s, w, u, c, r, i in rows
        ]

    def mark_notification_read(self, notification_id: int, at: datetime | None = None) -> None:
        when = self._now() if at is None else self._ts(at)
        with self._tx() as cur:
            cur.execute(
                self._sql("UPDATE notifications SET read_at = ? WHERE id = ? AND read_at IS NULL"),
                (when, notification_id),
            )

    # -- per-rule tuning -----------------------------------------------------------------

    def get_tuning(self, rule: str) -> Tuning | None:
        rows = self._rows(
            "SELECT rule, detector, key, workspace_id, multiplier, true_alarms, false_alarms, "
            "updated_at FROM alert_tuning WHERE rule = ?",
            [rule],
        )
        return _tuning(rows[0], self._dt) if rows else None

    def list_tuning(self, workspace_id: int | None = None) -> list[Tuning]:
        where, params = _filters(workspace_id=workspace_id)
        rows = self._rows(
            "SELECT rule, detector, key, workspace_id, multiplier, true_alarms, false_alarms, "
            f"updated_at FROM alert_tuning{where} ORDER BY rule",
            params,
        )
        return [_tuning(r, self._dt) for r in rows]

    def save_tuning(self, tuning: Tuning) -> Tuning:
        now = self._now()
        with self._tx() as cur:
            cur.execute(
                self._sql(
                    "INSERT INTO alert_tuning (rule, workspace_id, detector, key, multiplier, "
                    "true_alarms, false_alarms, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
                    "ON CONFLICT (rule) DO UPDATE SET multiplier = excluded.multiplier, "
                    "true_alarms = excluded.true_alarms, false_alarms = excluded.false_alarms, "
                    "updated_at = excluded.updated_at"
                ),
                (
                    clean(tuning.rule),
                    tuning.workspace_id,
                    clean(tuning.detector),
                    clean(tuning.key),
                    float(tuning.multiplier),
                    tuning.true_alarms,
                    tuning.false_alarms,
                    now,
                ),
            )
        return dataclasses.replace(tuning, updated_at=self._dt(now))


def _tuning(row: Sequence[Any], dt: Any) -> Tuning:
    rule, detector, key, ws, mult, true_n, false_n, updated = row
    return Tuning(
        rule,
        detector,
        key,
        None if ws is None else int(ws),
        float(mult),
        int(true_n),
        int(false_n),
        dt(updated),
    )
