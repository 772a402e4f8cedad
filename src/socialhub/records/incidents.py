"""Incident records: one crisis, grouping alerts and stories, with its owner, status,
playbook checklist and append-only timeline (issue 14, item 4).

Plain dataclasses (layer 0). Statuses go ``open`` → ``monitoring`` → ``closed``; only a
person closes an incident (:data:`CLOSED_BY_PEOPLE_ONLY`), the system only *proposes*
monitoring (``monitoring_proposed_at``) when volume has been back at baseline long
enough. The timeline is append-only: events are added, never changed or removed.

Times are aware UTC datetimes: ``opened_at`` is the stream time of the alert that
opened the incident (or the wall clock of the person who opened it); events carry the
time at which they happened.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

STATUSES = ("open", "monitoring", "closed")
ACTIVE_STATUSES = ("open", "monitoring")
CLOSED_BY_PEOPLE_ONLY = True
LINK_KINDS = ("alert", "story")
# What a timeline line records. System: opened, alert_added, story_added,
# monitoring_proposed, escalated, volume. People: acknowledged, status, owner, note,
# step_done, step_undone, closed (the closing is a "status" event too).
EVENT_KINDS = (
    "opened",
    "alert_added",
    "story_added",
    "monitoring_proposed",
    "escalated",
    "acknowledged",
    "status",
    "owner",
    "note",
    "step_done",
    "step_undone",
    "playbook",
)
SYSTEM = "system"


def _iso(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()


@dataclass(slots=True)
class PlaybookStep:
    """One line of an incident's checklist: what to do, by which role, done or not."""

    id: str
    text: str
    role: str = ""
    done: bool = False
    done_by: str | None = None
    done_at: datetime | None = None

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["done_at"] = _iso(self.done_at)
        return data


@dataclass(slots=True)
class Incident:
    """One crisis of one workspace.

    ``category`` is what chose the playbook (the opening alert's detector, or a crisis
    category); ``importance``/``explanation`` are those of its most important alert or
    story (the same components as a story's: who, reach, velocity, negativity,
    categories, novelty). ``acknowledged_at`` stops the on-call escalation;
    ``escalation_level`` is how many on-call steps were paged so far.
    """

    workspace_id: int
    title: str
    severity: int
    opened_at: datetime
    status: str = "open"
    category: str = ""
    owner: str = ""
    opened_by: str = SYSTEM
    importance: float = 0.0
    explanation: list[dict[str, Any]] = field(default_factory=list)
    playbook: str = ""
    steps: list[PlaybookStep] = field(default_factory=list)
    acknowledged_by: str | None = None
    acknowledged_at: datetime | None = None
    escalation_level: int = 0
    monitoring_proposed_at: datetime | None = None
    closed_by: str | None = None
    closed_at: datetime | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None
    id: int | None = None

    def __post_init__(self) -> None:
        if self.status not in STATUSES:
            raise ValueError(f"unknown incident status {self.status!r}; expected {STATUSES}")

    @property
    def active(self) -> bool:
        return self.status in ACTIVE_STATUSES

    @property
    def progress(self) -> tuple[int, int]:
        """(steps done, steps) of the playbook checklist."""
        return sum(1 for s in self.steps if s.done), len(self.steps)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        for name in (
            "opened_at",
            "acknowledged_at",
            "monitoring_proposed_at",
            "closed_at",
            "created_at",
            "updated_at",
        ):
            data[name] = _iso(getattr(self, name))
        data["steps"] = [s.to_dict() for s in self.steps]
        done, total = self.progress
        data["progress"] = {"done": done, "total": total}
        return data


@dataclass(slots=True)
class IncidentEvent:
    """One line of an incident's append-only timeline."""

    incident_id: int
    kind: str
    t: datetime
    actor: str = SYSTEM
    details: dict[str, Any] = field(default_factory=dict)
    id: int | None = None

    def __post_init__(self) -> None:
        if self.kind not in EVENT_KINDS:
            raise ValueError(f"unknown incident event {self.kind!r}; expected {EVENT_KINDS}")

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["t"] = self.t.isoformat()
        return data


__all__ = [
    "ACTIVE_STATUSES",
    "EVENT_KINDS",
    "LINK_KINDS",
    "STATUSES",
    "SYSTEM",
    "Incident",
    "IncidentEvent",
    "PlaybookStep",
]
