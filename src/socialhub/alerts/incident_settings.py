"""Incident settings of a workspace (issue 14, items 4 and 5): when incidents open, when
"monitoring" is proposed, the playbooks and the on-call rotations.

They live in the workspace setting ``incidents`` (``[workspace.settings.incidents]`` in the
TOML configuration, checked by :func:`validate_incidents` on ``socialhub apply``)::

    [workspace.settings.incidents]
    open_severity = 8                # an alert this severe opens an incident
    monitoring_after_minutes = 120   # volume back at baseline this long: propose monitoring

    [workspace.settings.incidents.playbooks.outage]
    match = ["network_outage", "complaints"]     # detectors or crisis categories
    steps = [
      { id = "qos", text = "Tell the QoS team", role = "analyst" },
      { id = "holding", text = "Draft a holding statement", role = "press" },
    ]

    [workspace.settings.incidents.oncall]
    min_severity = 8     # alerts and incidents this severe are paged
    ack_minutes = 15     # unacknowledged this long: page the next level
    [[workspace.settings.incidents.oncall.rotation]]
    days = "mon-fri"                 # weekday ranges, in the workspace's time zone
    hours = "08:00-19:00"
    chain = ["alice", "bob", "webhook:https://sms.example/send"]

A chain entry is a username (paged by email at the user's address), ``email:<address>``
or ``webhook:<url>`` (an SMS gateway is a webhook). Without settings the built-in
playbooks below apply and nobody is paged.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from socialhub.i18n import M_, N_
from socialhub.records.incidents import PlaybookStep

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_HOURS = re.compile(r"^(\d{1,2})(?::(\d{2}))?-(\d{1,2})(?::(\d{2}))?$")

# The built-in playbooks (issue 14's examples); a workspace's settings replace them.
# Step texts are stored in English (message ids) and translated where they are shown
# (incident pages, war-room, crisis report), in the reader's or workspace's language.
DEFAULT_PLAYBOOKS: dict[str, dict[str, Any]] = {
    "outage": {
        "match": ["network_outage", "complaints", "volume", "burst"],
        "steps": [
            {"id": "qos", "text": N_("Tell the QoS team"), "role": "analyst"},
            {"id": "holding", "text": N_("Draft a holding statement"), "role": "press"},
            {"id": "official", "text": N_("Check the official accounts answered"), "role": "press"},
        ],
    },
    "rumour": {
        "match": ["coordination", "emerging", "convergence"],
        "steps": [
            {
                "id": "verify",
                "text": N_("Verify the claim and its first poster"),
                "role": "analyst",
            },
            {"id": "legal", "text": N_("Ask legal whether to answer"), "role": "legal"},
            {"id": "holding", "text": N_("Draft a holding statement"), "role": "press"},
        ],
    },
    "generic": {
        "match": [],
        "steps": [
            {"id": "assess", "text": N_("Assess the reach and name an owner"), "role": "analyst"},
            {"id": "holding", "text": N_("Draft a holding statement"), "role": "press"},
        ],
    },
}


@dataclass(slots=True)
class Rotation:
    """Who is paged, in order, during some weekdays and hours."""

    days: frozenset[int]
    start: time
    end: time
    chain: list[str]

    def covers(self, local: datetime) -> bool:
        if local.weekday() not in self.days:
            return False
        now = local.time()
        if self.start == self.end:  # "00:00-24:00": the whole day
            return True
        if self.start < self.end:
            return self.start <= now < self.end
        return now >= self.start or now < self.end  # over midnight


@dataclass(slots=True)
class IncidentSettings:
    open_severity: int = 8
    monitoring_after: timedelta = timedelta(hours=2)
    playbooks: dict[str, dict[str, Any]] = field(default_factory=lambda: dict(DEFAULT_PLAYBOOKS))
    page_severity: int = 8
    ack_after: timedelta = timedelta(minutes=15)
    rotations: list[Rotation] = field(default_factory=list)
    timezone: str = "UTC"

    def playbook_for(self, categories: Sequence[str]) -> tuple[str, list[PlaybookStep]]:
        """The first playbook matching one of ``categories`` (detector or crisis
        category), else the one matching nothing (the catch-all), else none."""
        wanted = set(categories)
        fallback: tuple[str, list[PlaybookStep]] = ("", [])
        for name, book in self.playbooks.items():
            match = set(book.get("match") or ())
            steps = [
                PlaybookStep(str(s["id"]), str(s["text"]), str(s.get("role", "")))
                for s in book.get("steps") or ()
            ]
            if match & wanted:
                return name, steps
            if not match and not fallback[0]:
                fallback = (name, steps)
        return fallback

    def chain_at(self, at: datetime) -> list[str]:
        """The on-call chain in force at ``at`` (the workspace's local weekday and hour)."""
        local = at.astimezone(ZoneInfo(self.timezone))
        for rotation in self.rotations:
            if rotation.covers(local):
                return list(rotation.chain)
        return []


def _days(text: str) -> frozenset[int]:
    out: set[int] = set()
    for part in text.lower().replace(" ", "").split(","):
        if not part:
            continue
        first, _, last = part.partition("-")
        a, b = DAYS.index(first[:3]), DAYS.index((last or first)[:3])
        out.update(range(a, b + 1) if a <= b else [*range(a, 7), *range(0, b + 1)])
    return frozenset(out)


def _hours(text: str) -> tuple[time, time]:
    m = _HOURS.match(text.replace(" ", ""))
    if not m:
        raise ValueError(text)
    h1, m1, h2, m2 = (int(g or 0) for g in m.groups())
    end = time(0, 0) if h2 == 24 else time(h2, m2)
    return time(h1, m1), end


def validate_incidents(value: Any) -> list[str]:
    """Problems in a workspace's ``incidents`` setting (empty: valid)."""
    if not isinstance(value, Mapping):
        return [M_("expected a table")]
    errors: list[str] = []
    for key in ("open_severity",):
        v = value.get(key, 8)
        if isinstance(v, bool) or not isinstance(v, int) or not 1 <= v <= 10:
            errors.append(M_("%(key)s: an integer from 1 to 10", key=key))
    v = value.get("monitoring_after_minutes", 120)
    if isinstance(v, bool) or not isinstance(v, int | float) or v < 0:
        errors.append(M_("monitoring_after_minutes: a number of minutes >= 0"))
    books = value.get("playbooks", {})
    if not isinstance(books, Mapping):
        errors.append(M_("playbooks: expected a table of playbooks"))
        books = {}
    for name, book in books.items():
        steps = book.get("steps") if isinstance(book, Mapping) else None
        if not isinstance(steps, list) or not steps:
            errors.append(
                M_("playbooks.%(name)s.steps: a non-empty array of { id, text, role }", name=name)
            )
            continue
        ids = [s.get("id") if isinstance(s, Mapping) else None for s in steps]
        if not all(isinstance(i, str) and i for i in ids) or len(set(ids)) != len(ids):
            errors.append(M_("playbooks.%(name)s.steps: every step needs a unique id", name=name))
        if not all(isinstance(s, Mapping) and isinstance(s.get("text"), str) for s in steps):
            errors.append(M_("playbooks.%(name)s.steps: every step needs a text", name=name))
        match = book.get("match", [])
        if not isinstance(match, list) or not all(isinstance(m, str) for m in match):
            errors.append(
                M_("playbooks.%(name)s.match: an array of detectors or categories", name=name)
            )
    oncall = value.get("oncall", {})
    if not isinstance(oncall, Mapping):
        return [*errors, M_("oncall: expected a table")]
    for key, lo in (("min_severity", 1), ("ack_minutes", 1)):
        v = oncall.get(key, lo)
        if isinstance(v, bool) or not isinstance(v, int) or v < lo:
            errors.append(M_("oncall.%(key)s: an integer >= %(lo)s", key=key, lo=lo))
    for i, rot in enumerate(oncall.get("rotation", []) or []):
        where = f"oncall.rotation[{i}]"
        if not isinstance(rot, Mapping):
            errors.append(M_("%(where)s: expected a table", where=where))
            continue
        try:
            _days(str(rot.get("days", "mon-sun")))
        except ValueError:
            errors.append(
                M_("%(where)s.days: weekday ranges such as 'mon-fri' or 'sat,sun'", where=where)
            )
        try:
            _hours(str(rot.get("hours", "00:00-24:00")))
        except ValueError:
            errors.append(M_("%(where)s.hours: an hour range such as '08:00-19:00'", where=where))
        chain = rot.get("chain")
        if not isinstance(chain, list) or not chain or not all(isinstance(c, str) for c in chain):
            errors.append(
                M_(
                    "%(where)s.chain: a non-empty array of usernames, email: or webhook:",
                    where=where,
                )
            )
        else:
            for c in chain:
                if c.startswith("webhook:") and not c[8:].startswith(("http://", "https://")):
                    errors.append(
                        M_(
                            "%(where)s.chain: %(target)r is not an http(s) webhook",
                            where=where,
                            target=c,
                        )
                    )
    return errors


def incident_settings(value: Any, timezone: str = "UTC") -> IncidentSettings:
    """The settings from a workspace's (valid or absent) ``incidents`` setting."""
    out = IncidentSettings(timezone=timezone or "UTC")
    if not isinstance(value, Mapping) or validate_incidents(value):
        return out
    out.open_severity = int(value.get("open_severity", 8))
    out.monitoring_after = timedelta(minutes=float(value.get("monitoring_after_minutes", 120)))
    if value.get("playbooks"):
        out.playbooks = {str(k): dict(v) for k, v in value["playbooks"].items()}
    oncall = value.get("oncall") or {}
    out.page_severity = int(oncall.get("min_severity", out.open_severity))
    out.ack_after = timedelta(minutes=int(oncall.get("ack_minutes", 15)))
    for rot in oncall.get("rotation", []) or []:
        start, end = _hours(str(rot.get("hours", "00:00-24:00")))
        out.rotations.append(
            Rotation(_days(str(rot.get("days", "mon-sun"))), start, end, list(rot["chain"]))
        )
    return out


__all__ = [
    "DEFAULT_PLAYBOOKS",
    "IncidentSettings",
    "Rotation",
    "incident_settings",
    "validate_incidents",
]
