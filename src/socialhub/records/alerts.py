"""Alert records: what the alerts layer stores, shows, sends and audits.

Plain dataclasses with no dependency on the rest of the package (like ``models``), so
the store can read and write them without importing the alerts machinery.

Times: ``first_t``/``last_t`` are *stream* times (the signals' ``t``), so a replay
gives the same alerts; human actions (acknowledge, resolve, feedback) carry the wall
clock time at which they happened. All are aware UTC datetimes.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

STATES = ("open", "acknowledged", "resolved")
ACTIVE_STATES = ("open", "acknowledged")
# What an alert event records; "opened", "escalated" and "reopened" are sent to channels.
EVENT_KINDS = (
    "opened",
    "merged",
    "escalated",
    "reopened",
    "suppressed",
    "acknowledged",
    "resolved",
    "auto_resolved",
    "feedback",
)
NOTIFY_EVENTS = ("opened", "escalated", "reopened")
DELIVERY_STATUSES = ("sent", "failed", "capped")


def rule_of(workspace_id: int | None, detector: str, key: str) -> str:
    """The rule an alert belongs to: one per (workspace, detector, key).

    It is the unit of merging, cooldown and threshold tuning: ``"3|volume|query:12"``
    (``*`` when the signal has no workspace).
    """
    ws = "*" if workspace_id is None else str(workspace_id)
    return f"{ws}|{detector}|{key}"


def _iso(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()


@dataclass(slots=True)
class Alert:
    """One story, however many signals it took: replayable and auditable.

    ``params``, ``baseline``, ``observed``, ``threshold``, ``score``, ``detector`` and
    ``version`` are those of the latest merged signal; ``evidence`` accumulates the
    mention ids of every merged signal, first first. ``multiplier`` is the rule's
    tuning multiplier in force when the alert opened (see ``manager``).
    """

    rule: str
    detector: str
    version: str
    key: str
    title: str
    severity: int
    first_t: datetime
    last_t: datetime
    observed: float
    baseline: float
    threshold: float
    score: float
    workspace_id: int | None = None
    query_id: int | None = None
    state: str = "open"
    peak_severity: int = 0
    trend: str = "rising"
    multiplier: float = 1.0
    params: dict[str, Any] = field(default_factory=dict)
    evidence: list[str] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)
    provenance: dict[str, Any] = field(default_factory=dict)
    signals: int = 1
    # issue 14: the importance score (0-100); its components are in extra["explanation"]
    importance: float = 0.0
    acknowledged_by: str | None = None
    acknowledged_at: datetime | None = None
    resolved_by: str | None = None
    resolved_at: datetime | None = None
    resolution: str | None = None  # "manual" or "auto"
    feedback: bool | None = None  # True: true alarm, False: false alarm
    feedback_by: str | None = None
    feedback_at: datetime | None = None
    feedback_note: str = ""
    created_at: datetime | None = None
    updated_at: datetime | None = None
    id: int | None = None

    def __post_init__(self) -> None:
        if self.state not in STATES:
            raise ValueError(f"unknown alert state {self.state!r}; expected one of {STATES}")
        self.peak_severity = max(self.peak_severity, self.severity)

    @property
    def active(self) -> bool:
        return self.state in ACTIVE_STATES

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        for name in (
            "first_t",
            "last_t",
            "acknowledged_at",
            "resolved_at",
            "feedback_at",
            "created_at",
            "updated_at",
        ):
            data[name] = _iso(getattr(self, name))
        return data


@dataclass(slots=True)
class AlertEvent:
    """One line of an alert's audit trail (state change, escalation, merge, feedback)."""

    alert_id: int
    kind: str
    t: datetime
    actor: str = "system"
    details: dict[str, Any] = field(default_factory=dict)
    id: int | None = None

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["t"] = self.t.isoformat()
        return data


@dataclass(slots=True)
class Delivery:
    """One attempt to send one alert event to one channel (the delivery log)."""

    alert_id: int
    channel: str
    event: str
    status: str  # sent, failed, capped
    attempts: int = 0
    error: str = ""
    at: datetime | None = None
    id: int | None = None

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["at"] = _iso(self.at)
        return data


@dataclass(slots=True)
class Notification:
    """An in-app notification: shown in the web app's bell, per workspace (and user)."""

    alert_id: int
    title: str
    body: str
    severity: int
    workspace_id: int | None = None
    username: str = ""  # empty: every member of the workspace
    created_at: datetime | None = None
    read_at: datetime | None = None
    id: int | None = None

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["created_at"] = _iso(self.created_at)
        data["read_at"] = _iso(self.read_at)
        return data


@dataclass(slots=True)
class Tuning:
    """A rule's learnt threshold multiplier and the feedback it was learnt from."""

    rule: str
    detector: str
    key: str
    workspace_id: int | None = None
    multiplier: float = 1.0
    true_alarms: int = 0
    false_alarms: int = 0
    updated_at: datetime | None = None
