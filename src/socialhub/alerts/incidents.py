"""The incident desk (issue 14, item 4): opens, grows and reviews incidents, and records
what people do with them.

* **System.** :meth:`IncidentDesk.observe` is called with every alert the manager opened,
  merged, escalated or reopened: an alert of severity ≥ ``open_severity`` (the
  workspace's :mod:`~socialhub.alerts.incident_settings`, 8 by default) joins the active
  incident that shares one of its stories, or opens one with the matching playbook;
  a lesser alert joins such an active incident too (told through it) but opens none;
  the stories of its posts are grouped too. :meth:`IncidentDesk.review` (on the stream
  clock) groups the stories formed since, and *proposes* ``monitoring`` once none of an
  incident's alerts is held (its series is under ``hold_ratio`` × baseline) and the last
  signal is ``monitoring_after`` old. The system never closes an incident.
* **People.** open, acknowledge, take or give ownership, change status (only a person
  closes), tick playbook steps, add notes: each is a timeline event and an entry of the
  hash-chained audit log (chain ``audit``, subject ``incident:<id>``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from socialhub.alerts.incident_settings import IncidentSettings, incident_settings
from socialhub.models import as_utc, utcnow
from socialhub.records.alerts import Alert, Notification
from socialhub.records.incidents import (
    STATUSES,
    SYSTEM,
    Incident,
    IncidentEvent,
)

if TYPE_CHECKING:
    from socialhub.store.base import Store

AUDIT = "audit"
# an alert joins an active incident whose alerts signalled this recently (stream time)
JOIN_WINDOW = timedelta(hours=3)
# what the alert manager did with a signal that may open or grow an incident
GROUPED = ("opened", "merged", "escalated", "reopened")
# which statuses a person may move an incident to, from each status
MOVES = {"open": ("monitoring", "closed"), "monitoring": ("open", "closed"), "closed": ("open",)}

__all__ = ["AUDIT", "IncidentDesk", "IncidentError"]


class IncidentError(ValueError):
    """An action the incident's state does not allow (or an unknown step)."""


class IncidentDesk:
    """See the module docstring. ``clock`` gives the wall time of people's actions."""

    def __init__(self, store: Store, *, clock: Callable[[], datetime] = utcnow) -> None:
        self.store = store
        self.clock = clock
        self._settings: dict[int, IncidentSettings] = {}

    # -- settings -----------------------------------------------------------------------

    def settings(self, workspace_id: int, *, fresh: bool = False) -> IncidentSettings:
        """The workspace's incident settings (cached until :meth:`forget_settings`)."""
        if fresh or workspace_id not in self._settings:
            ws = next(
                (w for w in self.store.workspaces.list_workspaces() if w.id == workspace_id), None
            )
            value = self.store.workspaces.get_workspace_settings(workspace_id).get("incidents")
            self._settings[workspace_id] = incident_settings(value, ws.timezone if ws else "UTC")
        return self._settings[workspace_id]

    def forget_settings(self) -> None:
        self._settings.clear()

    # -- system -------------------------------------------------------------------------

    def observe(
        self, alert: Alert, at: datetime | None = None, *, workspace_id: int | None = None
    ) -> Incident | None:
        """Group a severe alert, or one of a crisis already open, into an incident
        (see the module docstring).

        ``workspace_id`` places an alert of no workspace (a complaint burst across
        queries): the workspace most of its posts were routed to."""
        ws = alert.workspace_id if alert.workspace_id is not None else workspace_id
        if ws is None or alert.id is None or not alert.active:
            return None
        at = as_utc(at or alert.last_t)
        settings = self.settings(ws)
        linked = self._active(self.store.incidents.incidents_of("alert", alert.id))
        story_ids = self._stories_of(alert, ws)
        # a lesser alert of a crisis already open joins it (told through the incident);
        # only a severe one opens an incident (a person may still group others by hand)
        inc = linked or self._related(ws, alert, settings, story_ids)
        if inc is None:
            if alert.severity < settings.open_severity:
                return None
            return self._open_for(alert, ws, settings, story_ids, at)
        assert inc.id is not None
        if self.store.incidents.link(inc.id, "alert", alert.id, at=at):
            self._event(inc.id, "alert_added", at, details=_alert_details(alert))
        self._link_stories(inc.id, story_ids, at)
        if alert.severity > inc.severity or alert.importance > inc.importance:
            inc.severity = max(inc.severity, alert.severity)
            if alert.importance > inc.importance:
                inc.importance = alert.importance
                inc.explanation = list(alert.extra.get("explanation") or [])
            inc = self.store.incidents.save_incident(inc)
        return inc

    def observe_outcome(self, action: str, alert: Alert | None, at: datetime) -> Incident | None:
        """:meth:`observe` an alert the manager just opened, merged, escalated or reopened."""
        if alert is None or action not in GROUPED:
            return None
        return self.observe(alert, at)

    def told(self, incident: Incident | None, alert: Alert | None) -> bool:
        """Whether ``alert`` is told to people through ``incident`` (it joined one opened
        by another alert): its own notifications would repeat the incident's."""
        if incident is None or alert is None or incident.id is None:
            return False
        first = self.store.incidents.alert_ids(incident.id)[:1]
        return bool(first) and first[0] != alert.id

    def review(self, now: datetime, held: Callable[[Alert], bool]) -> list[Incident]:
        """Group new stories of active incidents; propose monitoring where volume has
        been back at baseline for ``monitoring_after``. Returns the proposals made."""
        now = as_utc(now)
        proposed = []
        for inc in self.store.incidents.list_incidents(status="open", limit=1000):
            assert inc.id is not None
            alerts = [
                a
                for a in map(self.store.alerts.get_alert, self.store.incidents.alert_ids(inc.id))
                if a is not None
            ]
            for a in alerts:
                self._link_stories(inc.id, self._stories_of(a, inc.workspace_id), now)
            if inc.monitoring_proposed_at is not None or not alerts:
                continue
            quiet_since = max(a.last_t for a in alerts)
            wait = self.settings(inc.workspace_id).monitoring_after
            if any(held(a) for a in alerts) or now - quiet_since < wait:
                continue
            inc.monitoring_proposed_at = now
            inc = self.store.incidents.save_incident(inc)
            self._event(
                inc.id or 0,
                "monitoring_proposed",
                now,
                details={"quiet_since": quiet_since.isoformat(), "alerts": len(alerts)},
            )
            proposed.append(inc)
        return proposed

    # -- people -------------------------------------------------------------------------

    def open(
        self,
        workspace_id: int,
        title: str,
        by: str,
        *,
        severity: int = 8,
        category: str = "",
        alert_ids: Sequence[int] = (),
        story_ids: Sequence[int] = (),
    ) -> Incident:
        """A person opens an incident (with the playbook of ``category``, if any)."""
        at = self.clock()
        settings = self.settings(workspace_id)
        name, steps = settings.playbook_for([category] if category else [])
        inc = self.store.incidents.save_incident(
            Incident(
                workspace_id=workspace_id,
                title=title.strip(),
                severity=max(1, min(10, severity)),
                opened_at=at,
                category=category,
                owner=by,
                opened_by=by,
                playbook=name,
                steps=steps,
            )
        )
        assert inc.id is not None
        self._human(inc, "opened", by, at, {"title": inc.title, "playbook": name})
        for alert_id in alert_ids:
            alert = self.store.alerts.get_alert(alert_id)
            if alert is not None and alert.workspace_id == workspace_id:
                self.store.incidents.link(inc.id, "alert", alert_id, at=at)
                self._event(inc.id, "alert_added", at, by, _alert_details(alert))
        self._link_stories(inc.id, story_ids, at, actor=by)
        return inc

    def group(
        self, incident_id: int, workspace_id: int, kind: str, ref_id: int, by: str
    ) -> Incident:
        """A person groups an alert or a story of the workspace under the incident."""
        inc = self._get(incident_id, workspace_id)
        at = self.clock()
        if kind == "alert":
            alert = self.store.alerts.get_alert(ref_id)
            if alert is None or alert.workspace_id != workspace_id:
                raise KeyError(f"no alert {ref_id} in workspace {workspace_id}")
            if self.store.incidents.link(incident_id, "alert", ref_id, at=at):
                self._human(inc, "alert_added", by, at, _alert_details(alert))
        elif kind == "story":
            if self.store.stories.get(workspace_id, ref_id) is None:
                raise KeyError(f"no story {ref_id} in workspace {workspace_id}")
            if self.store.incidents.link(incident_id, "story", ref_id, at=at):
                self._human(inc, "story_added", by, at, {"story_id": ref_id})
        else:
            raise IncidentError(f"cannot group a {kind!r}")
        return inc

    def acknowledge(self, incident_id: int, workspace_id: int, by: str) -> Incident:
        inc = self._get(incident_id, workspace_id)
        if inc.acknowledged_at is not None:
            raise IncidentError(f"incident {incident_id} is already acknowledged")
        at = self.clock()
        inc.acknowledged_by, inc.acknowledged_at = by, at
        inc.owner = inc.owner or by
        inc = self.store.incidents.save_incident(inc)
        self._human(inc, "acknowledged", by, at, {})
        return inc

    def set_owner(self, incident_id: int, workspace_id: int, owner: str, by: str) -> Incident:
        inc = self._get(incident_id, workspace_id)
        at = self.clock()
        before, inc.owner = inc.owner, owner.strip()
        inc = self.store.incidents.save_incident(inc)
        self._human(inc, "owner", by, at, {"from": before, "to": inc.owner})
        return inc

    def set_status(
        self, incident_id: int, workspace_id: int, status: str, by: str, note: str = ""
    ) -> Incident:
        """Move an incident (a person: the system never closes one)."""
        if by == SYSTEM:
            raise IncidentError("only a person changes an incident's status")
        if status not in STATUSES:
            raise IncidentError(f"unknown status {status!r}")
        inc = self._get(incident_id, workspace_id)
        if status not in MOVES[inc.status]:
            raise IncidentError(f"incident {incident_id} is {inc.status}; cannot go {status}")
        at = self.clock()
        before, inc.status = inc.status, status
        if status == "closed":
            inc.closed_by, inc.closed_at = by, at
        elif before == "closed":
            inc.closed_by = inc.closed_at = None
        if status == "open":
            inc.monitoring_proposed_at = None
        inc = self.store.incidents.save_incident(inc)
        self._human(inc, "status", by, at, {"from": before, "to": status, "note": note})
        return inc

    def note(self, incident_id: int, workspace_id: int, text: str, by: str) -> Incident:
        inc = self._get(incident_id, workspace_id)
        self._human(inc, "note", by, self.clock(), {"text": text.strip()})
        return inc

    def step(
        self, incident_id: int, workspace_id: int, step_id: str, done: bool, by: str
    ) -> Incident:
        """Tick (or untick) one playbook step; written to the timeline."""
        inc = self._get(incident_id, workspace_id)
        step = next((s for s in inc.steps if s.id == step_id), None)
        if step is None:
            raise IncidentError(f"incident {incident_id} has no step {step_id!r}")
        if step.done == done:
            return inc
        at = self.clock()
        step.done = done
        step.done_by, step.done_at = (by, at) if done else (None, None)
        inc = self.store.incidents.save_incident(inc)
        done_n, total = inc.progress
        kind = "step_done" if done else "step_undone"
        details = {"step": step_id, "text": step.text, "role": step.role}
        self._human(inc, kind, by, at, {**details, "progress": [done_n, total]})
        return inc

    # -- internals ----------------------------------------------------------------------

    def _get(self, incident_id: int, workspace_id: int) -> Incident:
        inc = self.store.incidents.get_incident(incident_id, workspace_id)
        if inc is None:
            raise KeyError(f"no incident {incident_id} in workspace {workspace_id}")
        return inc

    def _active(self, ids: Iterable[int]) -> Incident | None:
        for incident_id in ids:
            inc = self.store.incidents.get_incident(incident_id)
            if inc is not None and inc.active:
                return inc
        return None

    def _stories_of(self, alert: Alert, workspace_id: int) -> list[int]:
        if not alert.evidence:
            return []
        found = self.store.stories.stories_of(workspace_id, alert.evidence[:300])
        return sorted(set(found.values()))

    def _related(
        self, workspace_id: int, alert: Alert, settings: IncidentSettings, story_ids: Sequence[int]
    ) -> Incident | None:
        """The active incident of the workspace this alert belongs to: still going (one
        of its alerts signalled within ``JOIN_WINDOW`` of this one's first signal), and
        sharing one of its stories, or else following the same playbook (the outage's
        complaints, volume and negativity alerts are one crisis)."""
        name, _ = settings.playbook_for(self._categories(alert, workspace_id, story_ids))
        stories = set(story_ids)
        same_book = None
        for inc in self.store.incidents.list_incidents(workspace_id, status="active", limit=50):
            assert inc.id is not None
            last = [
                a.last_t
                for a in map(self.store.alerts.get_alert, self.store.incidents.alert_ids(inc.id))
                if a is not None
            ]
            if not last or alert.first_t - max(last) > JOIN_WINDOW:
                continue
            if stories & set(self.store.incidents.story_ids(inc.id)):
                return inc
            if same_book is None and name and inc.playbook == name and name != "generic":
                same_book = inc
        return same_book

    def _categories(self, alert: Alert, workspace_id: int, story_ids: Sequence[int]) -> list[str]:
        return [
            alert.detector,
            str(alert.extra.get("category") or ""),
            *self._crisis_categories(workspace_id, story_ids),
        ]

    def _open_for(
        self,
        alert: Alert,
        workspace_id: int,
        settings: IncidentSettings,
        story_ids: list[int],
        at: datetime,
    ) -> Incident:
        assert alert.id is not None
        name, steps = settings.playbook_for(self._categories(alert, workspace_id, story_ids))
        inc = self.store.incidents.save_incident(
            Incident(
                workspace_id=workspace_id,
                title=alert.title,
                severity=alert.severity,
                opened_at=at,
                category=alert.detector,
                importance=alert.importance,
                explanation=list(alert.extra.get("explanation") or []),
                playbook=name,
                steps=steps,
            )
        )
        assert inc.id is not None
        self.store.incidents.link(inc.id, "alert", alert.id, at=at)
        self._event(inc.id, "opened", at, details={**_alert_details(alert), "playbook": name})
        self._link_stories(inc.id, story_ids, at)
        self.store.alerts.add_notification(
            Notification(
                alert.id,
                f"Incident opened: {alert.title}",
                f"severity {alert.severity}; playbook {name or '-'}",
                alert.severity,
                workspace_id=workspace_id,
            )
        )
        return inc

    def _crisis_categories(self, workspace_id: int, story_ids: Sequence[int]) -> list[str]:
        out: dict[str, None] = {}
        for story_id in story_ids[:5]:
            story = self.store.stories.get(workspace_id, story_id)
            if story is not None:
                out.update(dict.fromkeys(story.categories))
        return list(out)

    def _link_stories(
        self, incident_id: int, story_ids: Iterable[int], at: datetime, actor: str = SYSTEM
    ) -> None:
        for story_id in story_ids:
            if self.store.incidents.link(incident_id, "story", story_id, at=at):
                self._event(incident_id, "story_added", at, actor, {"story_id": story_id})

    def record(
        self,
        incident_id: int,
        kind: str,
        at: datetime,
        actor: str = SYSTEM,
        details: dict[str, Any] | None = None,
    ) -> None:
        """Append one event to the incident's timeline (the pager's escalations...)."""
        self.store.incidents.add_event(IncidentEvent(incident_id, kind, at, actor, details or {}))

    _event = record

    def _human(
        self, inc: Incident, kind: str, by: str, at: datetime, details: dict[str, Any]
    ) -> None:
        """A person's action: on the timeline and in the hash-chained audit log."""
        assert inc.id is not None
        self._event(inc.id, kind, at, by, details)
        self.store.chain.append(AUDIT, by, f"incident.{kind}", f"incident:{inc.id}", details, at=at)


def _alert_details(alert: Alert) -> dict[str, Any]:
    return {
        "alert_id": alert.id,
        "title": alert.title,
        "severity": alert.severity,
        "detector": alert.detector,
    }
