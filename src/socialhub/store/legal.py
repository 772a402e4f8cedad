"""Legal cases, their items, notes, captures and holds (migration 0016), both stores.

A repository over the store's connection primitives (not a mixin of the big Store
class): ``LegalRepo(store)``. SQL is written once with ``?`` placeholders; times go
through the store's ``_ts``/``_dt``.

Legal hold: every item of a case whose status is not ``closed`` is held. Holds are
read, never stored apart, so closing a case releases its items at once; what a hold
spared is logged in ``legal_hold_events`` (with the case's reason).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol, cast

from socialhub.models import utcnow
from socialhub.store.convert import clean, dump_json, load_json
from socialhub.store.packing import sha256_text, unpack_raw
from socialhub.store.sqlbase import SqlPrimitives

REASONS = (
    "defamation",
    "insult",
    "threat",
    "harassment",
    "counterfeit",
    "data_leak",
    "impersonation",
    "other",
)
STATUSES = ("open", "investigating", "filed", "closed")
ITEM_KINDS = ("mention", "alert", "story")
ARTIFACTS = ("warc", "screenshot", "pdf")


@dataclass(slots=True)
class Case:
    workspace_id: int
    title: str
    reason: str
    status: str = "open"
    owner: str = ""
    created_by: str = ""
    created_at: datetime | None = None
    updated_at: datetime | None = None
    closed_at: datetime | None = None
    id: int | None = None

    def __post_init__(self) -> None:
        if self.reason not in REASONS:
            raise ValueError(f"unknown reason {self.reason!r}; expected one of {REASONS}")
        if self.status not in STATUSES:
            raise ValueError(f"unknown status {self.status!r}; expected one of {STATUSES}")

    @property
    def holds(self) -> bool:
        return self.status != "closed"

    def to_dict(self) -> dict[str, Any]:
        data = dataclasses.asdict(self)
        for key in ("created_at", "updated_at", "closed_at"):
            data[key] = None if data[key] is None else data[key].isoformat()
        return data


@dataclass(slots=True)
class CaseItem:
    case_id: int
    kind: str
    item_id: str
    added_at: datetime
    url: str = ""
    record: dict[str, Any] = field(default_factory=dict)
    raw: str | None = None
    raw_sha256: str = ""
    added_by: str = ""

    def to_dict(self) -> dict[str, Any]:
        data = dataclasses.asdict(self)
        data["added_at"] = self.added_at.isoformat()
        return data


@dataclass(slots=True)
class Note:
    case_id: int
    author: str
    body: str
    created_at: datetime
    id: int | None = None


@dataclass(slots=True)
class Capture:
    case_id: int
    item_id: str
    artifact: str
    url: str
    status: str
    captured_at: datetime
    final_url: str = ""
    sha256: str = ""
    size: int = 0
    media_type: str = ""
    error: str = ""
    captured_by: str = ""
    id: int | None = None

    def to_dict(self) -> dict[str, Any]:
        data = dataclasses.asdict(self)
        data["captured_at"] = self.captured_at.isoformat()
        return data


@dataclass(frozen=True, slots=True)
class Hold:
    """An item under legal hold: the case that holds it and why."""

    case_id: int
    item_id: str
    kind: str
    reason: str
    title: str

    def describe(self) -> str:
        return f"case {self.case_id} ({self.reason}): {self.title}"


class LegalStore(Protocol):
    """What the legal desk needs from persistence."""

    def add_case(self, case: Case) -> Case: ...

    def get_case(self, case_id: int) -> Case | None: ...

    def list_cases(
        self, *, workspace_id: int | None = None, status: str | None = None
    ) -> list[Case]: ...

    def update_case(self, case: Case) -> Case: ...

    def add_item(self, item: CaseItem) -> bool: ...

    def list_items(self, case_id: int) -> list[CaseItem]: ...

    def cases_of_item(self, kind: str, item_id: str) -> list[Case]: ...

    def add_note(self, note: Note) -> Note: ...

    def list_notes(self, case_id: int) -> list[Note]: ...

    def add_capture(self, capture: Capture) -> Capture: ...

    def list_captures(self, case_id: int) -> list[Capture]: ...

    def holds(self, kind: str = "mention") -> dict[str, Hold]: ...

    def record_hold_events(self, action: str, holds: Iterable[Hold], at: datetime) -> None: ...


_CASE_COLS = (
    "workspace_id, title, reason, status, owner, created_by, created_at, updated_at, closed_at, id"
)
_ITEM_COLS = "case_id, kind, item_id, added_at, url, record, raw, raw_sha256, added_by"
_CAPTURE_COLS = (
    "case_id, item_id, artifact, url, status, captured_at, final_url, sha256, size, "
    "media_type, error, captured_by, id"
)


class LegalRepo:
    """Tables ``legal_cases``, ``legal_case_items``, ``legal_case_notes``,
    ``legal_captures`` and ``legal_hold_events``."""

    def __init__(self, store: object) -> None:
        # A store (its connection object is ``store.db``) or that object itself.
        self.db = cast(SqlPrimitives, getattr(store, "db", store))

    def _opt(self, value: Any) -> datetime | None:
        return None if value is None else self.db._dt(value)

    def _case(self, row: Sequence[Any]) -> Case:
        ws, title, reason, status, owner, by, created, updated, closed, case_id = row
        return Case(
            int(ws),
            title,
            reason,
            status,
            owner,
            by,
            self.db._dt(created),
            self.db._dt(updated),
            self._opt(closed),
            int(case_id),
        )

    # -- cases ---------------------------------------------------------------------

    def add_case(self, case: Case) -> Case:
        db = self.db
        now = case.created_at or utcnow()
        with db._tx() as cur:
            case_id = db._one(
                cur,
                "INSERT INTO legal_cases (workspace_id, title, reason, status, owner, "
                "created_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
                "RETURNING id",
                (
                    case.workspace_id,
                    clean(case.title),
                    case.reason,
                    case.status,
                    clean(case.owner),
                    clean(case.created_by),
                    db._ts(now),
                    db._ts(now),
                ),
            )
        found = self.get_case(int(case_id))
        assert found is not None
        return found

    def get_case(self, case_id: int) -> Case | None:
        rows = self.db._rows(f"SELECT {_CASE_COLS} FROM legal_cases WHERE id = ?", [case_id])
        return self._case(rows[0]) if rows else None

    def list_cases(
        self, *, workspace_id: int | None = None, status: str | None = None
    ) -> list[Case]:
        where: list[str] = []
        params: list[Any] = []
        if workspace_id is not None:
            where.append("workspace_id = ?")
            params.append(workspace_id)
        if status is not None:
            where.append("status = ?")
            params.append(status)
        sql = f"SELECT {_CASE_COLS} FROM legal_cases"
        if where:
            sql += " WHERE " + " AND ".join(where)
        # Open cases first, then the most recently touched.
        sql += " ORDER BY CASE WHEN status = 'closed' THEN 1 ELSE 0 END, updated_at DESC, id DESC"
        return [self._case(r) for r in self.db._rows(sql, params)]

    def update_case(self, case: Case) -> Case:
        """Save title, reason, status and owner; closing stamps ``closed_at``."""
        db = self.db
        assert case.id is not None
        now = case.updated_at or utcnow()
        closed = case.closed_at if case.status == "closed" else None
        if case.status == "closed" and closed is None:
            closed = now
        with db._tx() as cur:
            cur.execute(
                db._sql(
                    "UPDATE legal_cases SET title = ?, reason = ?, status = ?, owner = ?, "
                    "updated_at = ?, closed_at = ? WHERE id = ?"
                ),
                (
                    clean(case.title),
                    case.reason,
                    case.status,
                    clean(case.owner),
                    db._ts(now),
                    None if closed is None else db._ts(closed),
                    case.id,
                ),
            )
        found = self.get_case(case.id)
        assert found is not None
        return found

    def touch(self, case_id: int, at: datetime) -> None:
        with self.db._tx() as cur:
            cur.execute(
                self.db._sql("UPDATE legal_cases SET updated_at = ? WHERE id = ?"),
                (self.db._ts(at), case_id),
            )

    # -- items ---------------------------------------------------------------------

    def add_item(self, item: CaseItem) -> bool:
        """Add an item to a case; False when it was already there (kept as first added)."""
        if item.kind not in ITEM_KINDS:
            raise ValueError(f"unknown item kind {item.kind!r}; expected one of {ITEM_KINDS}")
        db = self.db
        with db._tx() as cur:
            cur.execute(
                db._sql(
                    f"INSERT INTO legal_case_items ({_ITEM_COLS}) VALUES "
                    "(?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING RETURNING item_id"
                ),
                (
                    item.case_id,
                    item.kind,
                    clean(item.item_id),
                    db._ts(item.added_at),
                    clean(item.url),
                    dump_json(item.record),
                    item.raw,
                    item.raw_sha256,
                    clean(item.added_by),
                ),
            )
            added = bool(cur.fetchall())
        if added:
            self.touch(item.case_id, item.added_at)
        return added

    def list_items(self, case_id: int) -> list[CaseItem]:
        rows = self.db._rows(
            f"SELECT {_ITEM_COLS} FROM legal_case_items WHERE case_id = ? "
            "ORDER BY added_at, item_id",
            [case_id],
        )
        return [
            CaseItem(
                int(c), kind, item_id, self.db._dt(at), url, load_json(rec) or {}, raw, sha, by
            )
            for c, kind, item_id, at, url, rec, raw, sha, by in rows
        ]

    def cases_of_item(self, kind: str, item_id: str) -> list[Case]:
        cols = ", ".join(f"c.{c.strip()}" for c in _CASE_COLS.split(","))
        rows = self.db._rows(
            f"SELECT {cols} FROM legal_cases c JOIN legal_case_items i ON i.case_id = c.id "
            "WHERE i.kind = ? AND i.item_id = ? ORDER BY c.id",
            [kind, item_id],
        )
        return [self._case(r) for r in rows]

    def stored_payload(self, mention_id: str) -> tuple[str | None, str, str]:
        """The raw payload of a mention exactly as stored, its SHA-256 and URL."""
        rows = self.db._rows(
            "SELECT raw, raw_sha256, url, text FROM mentions WHERE id = ?", [clean(mention_id)]
        )
        if not rows:
            raise KeyError(mention_id)
        raw, sha, url, text = rows[0]
        raw = unpack_raw(raw, str(text))  # SQLite packs it (store/packing.py)
        return (None if raw is None else str(raw)), sha256_text(sha), str(url)

    def mention_workspaces(self, mention_id: str) -> set[int]:
        """The workspaces a mention was routed to (who may send it to legal)."""
        rows = self.db._rows(
            "SELECT mw.workspace_id FROM mention_workspaces mw JOIN mentions m "
            "ON m.seq = mw.mention_seq WHERE m.id = ?",
            [clean(mention_id)],
        )
        return {int(r[0]) for r in rows}

    # -- notes and captures --------------------------------------------------------

    def add_note(self, note: Note) -> Note:
        db = self.db
        with db._tx() as cur:
            note_id = db._one(
                cur,
                "INSERT INTO legal_case_notes (case_id, author, body, created_at) "
                "VALUES (?, ?, ?, ?) RETURNING id",
                (note.case_id, clean(note.author), clean(note.body), db._ts(note.created_at)),
            )
        self.touch(note.case_id, note.created_at)
        return dataclasses.replace(note, id=int(note_id))

    def list_notes(self, case_id: int) -> list[Note]:
        rows = self.db._rows(
            "SELECT case_id, author, body, created_at, id FROM legal_case_notes "
            "WHERE case_id = ? ORDER BY id",
            [case_id],
        )
        return [Note(int(c), a, b, self.db._dt(t), int(i)) for c, a, b, t, i in rows]

    def add_capture(self, capture: Capture) -> Capture:
        if capture.artifact not in ARTIFACTS:
            raise ValueError(f"unknown artifact {capture.artifact!r}")
        db = self.db
        with db._tx() as cur:
            capture_id = db._one(
                cur,
                f"INSERT INTO legal_captures ({_CAPTURE_COLS.removesuffix(', id')}) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                (
                    capture.case_id,
                    clean(capture.item_id),
                    capture.artifact,
                    clean(capture.url),
                    capture.status,
                    db._ts(capture.captured_at),
                    clean(capture.final_url),
                    capture.sha256,
                    capture.size,
                    capture.media_type,
                    clean(capture.error),
                    clean(capture.captured_by),
                ),
            )
        return dataclasses.replace(capture, id=int(capture_id))

    def list_captures(self, case_id: int) -> list[Capture]:
        rows = self.db._rows(
            f"SELECT {_CAPTURE_COLS} FROM legal_captures WHERE case_id = ? ORDER BY id",
            [case_id],
        )
        out = []
        for row in rows:
            values = list(row)
            values[5] = self.db._dt(values[5])
            values[8] = int(values[8])
            values[12] = int(values[12])
            out.append(Capture(*values))
        return out

    # -- holds ---------------------------------------------------------------------

    def holds(self, kind: str = "mention") -> dict[str, Hold]:
        """Items of this kind under hold (the oldest case holding each), by item id."""
        rows = self.db._rows(
            "SELECT c.id, i.item_id, c.reason, c.title FROM legal_case_items i "
            "JOIN legal_cases c ON c.id = i.case_id "
            "WHERE i.kind = ? AND c.status <> 'closed' ORDER BY c.id DESC",
            [kind],
        )
        return {item: Hold(int(c), item, kind, reason, title) for c, item, reason, title in rows}

    def record_hold_events(self, action: str, holds: Iterable[Hold], at: datetime) -> None:
        rows = [(h.case_id, h.item_id, action, h.describe(), self.db._ts(at)) for h in holds]
        if not rows:
            return
        with self.db._tx() as cur:
            cur.executemany(
                self.db._sql(
                    "INSERT INTO legal_hold_events (case_id, item_id, action, reason, at) "
                    "VALUES (?, ?, ?, ?, ?)"
                ),
                rows,
            )

    def hold_events(self, case_id: int) -> list[tuple[str, str, str, datetime]]:
        rows = self.db._rows(
            "SELECT item_id, action, reason, at FROM legal_hold_events WHERE case_id = ? "
            "ORDER BY id",
            [case_id],
        )
        return [(i, a, r, self.db._dt(t)) for i, a, r, t in rows]
