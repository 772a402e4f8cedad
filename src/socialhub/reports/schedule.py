"""Report schedules: when each report is due, in the workspace's time zone.

A schedule names local wall-clock times ("08:00", "17:00") and optionally weekdays;
its **slots** are those instants in UTC. A slot's report covers the period from the
previous slot to this one, so consecutive reports tile time with no gap and no
overlap, whatever the daylight-saving changes in between (the night the clocks go
forward, 17:00 to 08:00 lasts 14 hours; the night they go back, 16).

Wall-clock times that do not exist (02:30 the night clocks go forward) run at the
same UTC instant as if the change had not happened (03:30 local: the gap's length
later); times that happen twice (02:30 the night clocks go back) run once, at the
first occurrence. Both rules are those of ``zoneinfo`` with ``fold=0``.

Schedules live in the workspace setting ``reports`` (a list of tables, see
:func:`validate_reports`); with no such setting a workspace gets the default press
digest at 08:00 and 17:00, archived but sent to nobody.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from socialhub.i18n import M_

__all__ = [
    "DEFAULT_SCHEDULES",
    "Schedule",
    "previous_slot",
    "schedules_from_setting",
    "slots_between",
    "validate_reports",
]

SETTING = "reports"
_TIME = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")
_EMAIL = re.compile(r"^[^@\s,<>]+@[^@\s,<>]+$")
_KEYS = {"name", "kind", "times", "weekdays", "recipients", "pdf", "enabled", "options"}
SCHEDULED_KINDS = ("digest", "competitors")  # a crisis report is made from an alert

DEFAULT_SCHEDULES: list[dict[str, Any]] = [
    {"name": "press-digest", "kind": "digest", "times": ["08:00", "17:00"]},
]


@dataclass(slots=True)
class Schedule:
    """One scheduled report of a workspace; ``weekdays`` 0 = Monday, empty = every day."""

    name: str
    kind: str = "digest"
    times: list[str] = field(default_factory=lambda: ["08:00", "17:00"])
    weekdays: list[int] = field(default_factory=list)
    recipients: list[str] = field(default_factory=list)
    pdf: bool = True
    enabled: bool = True
    options: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Schedule:
        problems = validate_schedule(data)
        if problems:
            raise ValueError("; ".join(problems))
        kind = str(data.get("kind", "digest"))
        times = data.get("times") or (["08:00"] if kind == "competitors" else ["08:00", "17:00"])
        weekdays = data.get("weekdays", [0] if kind == "competitors" else [])
        return cls(
            name=str(data["name"]),
            kind=kind,
            times=[str(t) for t in times],
            weekdays=[int(d) for d in weekdays],
            recipients=[str(r) for r in data.get("recipients", [])],
            pdf=bool(data.get("pdf", True)),
            enabled=bool(data.get("enabled", True)),
            options=dict(data.get("options", {})),
        )

    def slots_between(self, after: datetime, until: datetime, tz: str) -> list[datetime]:
        return slots_between(after, until, self.times, tz, self.weekdays)

    def previous_slot(self, at: datetime, tz: str) -> datetime:
        return previous_slot(at, self.times, tz, self.weekdays)


def validate_schedule(data: Any) -> list[str]:
    if not isinstance(data, dict):
        return [M_("a schedule must be a table")]
    problems: list[str] = [M_("unknown key %(key)r", key=k) for k in sorted(set(data) - _KEYS)]
    name = data.get("name")
    if not isinstance(name, str) or not name.strip():
        problems.append(M_("'name' is required (a non-empty string)"))
    kind = data.get("kind", "digest")
    if kind not in SCHEDULED_KINDS:
        problems.append(
            M_("kind %(kind)r: expected one of %(choices)s", kind=kind, choices=SCHEDULED_KINDS)
        )
    times = data.get("times", ["08:00"])
    if not isinstance(times, list) or not times:
        problems.append(M_("'times' must be a non-empty list of HH:MM"))
    else:
        problems += [
            M_("time %(time)r is not HH:MM", time=t) for t in times if not _TIME.match(str(t))
        ]
    weekdays = data.get("weekdays", [])
    if not isinstance(weekdays, list) or any(d not in range(7) for d in weekdays):
        problems.append(M_("'weekdays' must list numbers 0 (Monday) to 6 (Sunday)"))
    recipients = data.get("recipients", [])
    if not isinstance(recipients, list):
        problems.append(M_("'recipients' must be a list of email addresses"))
    else:
        problems += [
            M_("not an email address: %(address)r", address=r)
            for r in recipients
            if not _EMAIL.match(r)
        ]
    if not isinstance(data.get("options", {}), dict):
        problems.append(M_("'options' must be a table"))
    return problems


def validate_reports(value: Any) -> list[str]:
    """Errors in the ``reports`` workspace setting (for ``socialhub apply``)."""
    if not isinstance(value, list):
        return [M_("expected a list of schedules: [[workspace.settings.reports]]")]
    problems: list[str] = []
    names: set[str] = set()
    for i, item in enumerate(value):
        problems += [M_("[%(i)s] %(problem)s", i=i, problem=p) for p in validate_schedule(item)]
        if isinstance(item, dict) and item.get("name") in names:
            problems.append(M_("[%(i)s] duplicate schedule name %(name)r", i=i, name=item["name"]))
        if isinstance(item, dict):
            names.add(str(item.get("name")))
    return problems


def schedules_from_setting(value: Any) -> list[Schedule]:
    """The schedules of a workspace from its ``reports`` setting (None: the default)."""
    items = DEFAULT_SCHEDULES if value is None else value
    problems = validate_reports(items)
    if problems:
        raise ValueError("invalid reports setting: " + "; ".join(problems))
    return [Schedule.from_dict(item) for item in items]


def _zone(tz: str) -> ZoneInfo:
    try:
        return ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"unknown time zone {tz!r}") from exc


def _instants(day: date, times: Iterable[str], zone: ZoneInfo) -> list[datetime]:
    out = []
    for hhmm in times:
        hour, minute = (int(x) for x in hhmm.split(":"))
        # fold=0: an ambiguous time is its first occurrence; a missing one is read with
        # the offset in force before the change (so it lands the gap's length later).
        local = datetime.combine(day, time(hour, minute), tzinfo=zone)
        out.append(local.astimezone(UTC))
    return out


def slots_between(
    after: datetime, until: datetime, times: list[str], tz: str, weekdays: Sequence[int] = ()
) -> list[datetime]:
    """Slots ``s`` with ``after < s <= until``, in UTC, in order.

    Examples
    --------
    >>> a = datetime(2026, 3, 28, 12, 0, tzinfo=UTC)
    >>> [s.isoformat() for s in slots_between(a, a + timedelta(days=1), ["08:00", "17:00"],
    ...  "Europe/Paris")]
    ['2026-03-28T16:00:00+00:00', '2026-03-29T06:00:00+00:00']
    """
    zone = _zone(tz)
    first = after.astimezone(zone).date() - timedelta(days=1)
    last = until.astimezone(zone).date() + timedelta(days=1)
    found: set[datetime] = set()
    day = first
    while day <= last:
        if not weekdays or day.weekday() in weekdays:
            found.update(s for s in _instants(day, times, zone) if after < s <= until)
        day += timedelta(days=1)
    return sorted(found)


def previous_slot(
    at: datetime, times: list[str], tz: str, weekdays: Sequence[int] = ()
) -> datetime:
    """The latest slot at or before ``at``."""
    span = timedelta(days=8)  # a weekly schedule has a slot in any 8 days
    slots = slots_between(at - span, at, times, tz, weekdays)
    if not slots:
        raise ValueError(f"no slot in the 8 days before {at.isoformat()}")
    return slots[-1]
