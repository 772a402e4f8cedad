"""Health and collection completeness of one source, as the coordinator records them.

The document (:meth:`SourceHealth.to_dict`) is what ``socialhub sources`` shows and what
the store keeps (``source_health``), so a restart starts from the last known state.
Completeness is stated per source: how many polls paged to the end, stream gaps
detected and backfilled, dead-lettered items, and one sentence — "complete since T" or
"gap from T1 to T2".
"""

from __future__ import annotations

from collections import Counter, deque
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from socialhub.connectors.base import parse_time


def _iso(value: datetime | None) -> str | None:
    return None if value is None else value.astimezone(UTC).isoformat()


@dataclass
class Gap:
    """A stretch of time during which items may have been missed (a cut stream)."""

    start: datetime
    end: datetime | None = None  # None: still open (not reconnected yet)
    backfilled: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {"start": _iso(self.start), "end": _iso(self.end), "backfilled": self.backfilled}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Gap:
        start = parse_time(data.get("start")) or datetime.now(UTC)
        return cls(start, parse_time(data.get("end")), bool(data.get("backfilled")))


@dataclass
class TargetHealth:
    """One target's counters. ``fingerprint`` identifies its configuration, so a target
    skipped after a BadRequest is retried once its configuration changes."""

    key: str
    fingerprint: str = ""
    polls: int = 0
    polls_complete: int = 0  # polls that paged until the connector said done
    pages: int = 0
    items: int = 0
    duplicates: int = 0  # items already emitted by this run (pages overlapping)
    cursor_repeats: int = 0
    skipped: str = ""  # BadRequest message: not polled until the configuration changes
    malformed: str = ""  # the last payload's reason when unreadable; cleared by a good page
    malformed_hash: str = ""  # that payload's fingerprint: dead-lettered once, not per poll
    complete_since: datetime | None = None
    last_item_at: datetime | None = None
    gaps: list[Gap] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "fingerprint": self.fingerprint,
            "polls": self.polls,
            "polls_complete": self.polls_complete,
            "pages": self.pages,
            "items": self.items,
            "duplicates": self.duplicates,
            "cursor_repeats": self.cursor_repeats,
            "skipped": self.skipped,
            "malformed": self.malformed,
            "malformed_hash": self.malformed_hash,
            "complete_since": _iso(self.complete_since),
            "last_item_at": _iso(self.last_item_at),
            "gaps": [g.to_dict() for g in self.gaps[-20:]],  # the recent ones are enough
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> TargetHealth:
        th = cls(str(data.get("key", "")), str(data.get("fingerprint", "")))
        for name in ("polls", "polls_complete", "pages", "items", "duplicates", "cursor_repeats"):
            setattr(th, name, int(data.get(name, 0)))
        th.skipped = str(data.get("skipped", ""))
        th.malformed = str(data.get("malformed", ""))
        th.malformed_hash = str(data.get("malformed_hash", ""))
        th.complete_since = parse_time(data.get("complete_since"))
        th.last_item_at = parse_time(data.get("last_item_at"))
        th.gaps = [Gap.from_dict(g) for g in data.get("gaps", [])]
        return th


@dataclass
class SourceHealth:
    """Health of one source: status, last success and error, rates, and its targets."""

    source: str
    connector: str = ""
    status: str = "idle"  # idle, ok, backing_off, stopped
    started_at: datetime | None = None
    last_success: datetime | None = None
    last_error: str = ""
    last_error_at: datetime | None = None
    # a dead letter's reason code and parameters (records.quarantine), shown translated
    last_error_code: str = ""
    last_error_params: dict[str, Any] = field(default_factory=dict)
    errors: Counter[str] = field(default_factory=Counter)  # by kind (exception class)
    pages: int = 0
    items: int = 0
    dead_letters: int = 0
    rate_remaining: float | None = None
    rate_reset: float | None = None  # epoch seconds, as the platform said
    targets: dict[str, TargetHealth] = field(default_factory=dict)
    # (time, items) of the last hour's pages, for items per hour; not persisted
    _recent: deque[tuple[datetime, int]] = field(default_factory=deque, repr=False)

    def target(self, key: str) -> TargetHealth:
        if key not in self.targets:
            self.targets[key] = TargetHealth(key)
        return self.targets[key]

    # -- events ---------------------------------------------------------------------

    def page(self, key: str, items: int, rate: dict[str, float], now: datetime) -> None:
        self.pages += 1
        self.items += items
        self.last_success = now
        self.status = "ok"
        th = self.target(key)
        th.pages += 1
        th.items += items
        th.malformed = th.malformed_hash = ""  # readable again
        if "remaining" in rate:
            self.rate_remaining = float(rate["remaining"])
        if "reset" in rate:
            self.rate_reset = float(rate["reset"])
        self._recent.append((now, items))

    def error(self, kind: str, message: str, now: datetime) -> None:
        self.errors[kind] += 1
        self.last_error = f"{kind}: {message}"[:1000]
        self.last_error_at = now
        code = getattr(message, "code", None)  # a records.quarantine.Reason
        self.last_error_code = code if isinstance(code, str) else ""
        self.last_error_params = dict(getattr(message, "params", None) or {}) if code else {}

    def items_per_hour(self, now: datetime) -> int:
        horizon = now - timedelta(hours=1)
        while self._recent and self._recent[0][0] < horizon:
            self._recent.popleft()
        return sum(n for _, n in self._recent)

    # -- completeness ---------------------------------------------------------------

    def completeness(self) -> dict[str, Any]:
        polls = sum(t.polls for t in self.targets.values())
        complete = sum(t.polls_complete for t in self.targets.values())
        gaps = [g for t in self.targets.values() for g in t.gaps]
        open_gaps = [g for g in gaps if not g.backfilled]
        return {
            "polls": polls,
            "polls_complete": complete,
            "gaps_detected": len(gaps),
            "gaps_backfilled": len(gaps) - len(open_gaps),
            "dead_letters": self.dead_letters,
            "skipped_targets": sorted(k for k, t in self.targets.items() if t.skipped),
            "statement": self.statement(),
        }

    def statement(self) -> str:
        """One sentence a user can trust: complete since T, or where the holes are."""
        if self.status == "stopped":
            since = _iso(self.last_error_at) or "start"
            return f"stopped since {since}: {self.last_error}"
        holes: list[str] = []
        for th in self.targets.values():
            if th.skipped:
                holes.append(f"target {th.key} skipped: {th.skipped}")
            elif th.malformed:
                holes.append(f"target {th.key} unreadable (dead-lettered): {th.malformed}")
            for g in th.gaps:
                if not g.backfilled:
                    end = _iso(g.end) or "now"
                    holes.append(f"gap from {_iso(g.start)} to {end} on {th.key}")
        if holes:
            return "; ".join(holes)
        starts = [t.complete_since for t in self.targets.values()]
        if not starts or any(s is None for s in starts):
            return "not yet complete: no poll has paged to the end on every target"
        return f"complete since {_iso(max(s for s in starts if s is not None))}"

    # -- persistence ----------------------------------------------------------------

    def to_dict(self, now: datetime | None = None) -> dict[str, Any]:
        now = now or datetime.now(UTC)
        return {
            "source": self.source,
            "connector": self.connector,
            "status": self.status,
            "started_at": _iso(self.started_at),
            "last_success": _iso(self.last_success),
            "last_error": self.last_error,
            "last_error_at": _iso(self.last_error_at),
            "last_error_code": self.last_error_code,
            "last_error_params": self.last_error_params,
            "errors": dict(self.errors),
            "pages": self.pages,
            "items": self.items,
            "items_per_hour": self.items_per_hour(now),
            "dead_letters": self.dead_letters,
            "rate_remaining": self.rate_remaining,
            "rate_reset": self.rate_reset,
            "targets": {k: t.to_dict() for k, t in self.targets.items()},
            "completeness": self.completeness(),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SourceHealth:
        h = cls(str(data.get("source", "")), str(data.get("connector", "")))
        h.status = str(data.get("status", "idle"))
        h.started_at = parse_time(data.get("started_at"))
        h.last_success = parse_time(data.get("last_success"))
        h.last_error = str(data.get("last_error", ""))
        h.last_error_at = parse_time(data.get("last_error_at"))
        h.last_error_code = str(data.get("last_error_code") or "")
        h.last_error_params = dict(data.get("last_error_params") or {})
        h.errors = Counter({str(k): int(v) for k, v in dict(data.get("errors", {})).items()})
        h.pages = int(data.get("pages", 0))
        h.items = int(data.get("items", 0))
        h.dead_letters = int(data.get("dead_letters", 0))
        h.rate_remaining = data.get("rate_remaining")
        h.rate_reset = data.get("rate_reset")
        h.targets = {
            str(k): TargetHealth.from_dict(v) for k, v in dict(data.get("targets", {})).items()
        }
        return h
