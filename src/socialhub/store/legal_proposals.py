"""Proposals of the flagging classifier (table ``legal_proposals``, migration 0016).

One row per (workspace, mention): proposing again never duplicates and never revives a
dismissed proposal. A person decides: accepted (with the case it opened or joined) or
dismissed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol, cast

from socialhub.store.convert import clean, dump_json, load_json
from socialhub.store.sqlbase import SqlPrimitives


@dataclass(slots=True)
class Proposal:
    workspace_id: int
    mention_id: str
    label: str
    score: float
    created_at: datetime
    cues: list[str] = field(default_factory=list)
    status: str = "proposed"
    case_id: int | None = None
    decided_by: str = ""
    decided_at: datetime | None = None
    id: int | None = None


class ProposalStore(Protocol):
    def propose(self, proposals: Sequence[Proposal]) -> int: ...

    def list_proposals(
        self, workspace_id: int, status: str = "proposed", limit: int = 100
    ) -> list[Proposal]: ...

    def get_proposal(self, proposal_id: int) -> Proposal | None: ...

    def decide(
        self, proposal_id: int, status: str, by: str, at: datetime, case_id: int | None = None
    ) -> bool: ...


_COLS = (
    "workspace_id, mention_id, label, score, created_at, cues, status, case_id, decided_by, "
    "decided_at, id"
)


class ProposalRepo:
    def __init__(self, store: object) -> None:
        # A store (its connection object is ``store.db``) or that object itself.
        self.db = cast(SqlPrimitives, getattr(store, "db", store))

    def _row(self, row: Sequence[Any]) -> Proposal:
        ws, mid, label, score, created, cues, status, case, by, decided, pid = row
        return Proposal(
            int(ws), mid, label, float(score), self.db._dt(created), list(load_json(cues) or []),
            status, None if case is None else int(case), by,
            None if decided is None else self.db._dt(decided), int(pid),
        )  # fmt: skip

    def propose(self, proposals: Sequence[Proposal]) -> int:
        """Insert new proposals; returns how many were new."""
        if not proposals:
            return 0
        new = 0
        with self.db._tx() as cur:
            for p in proposals:
                cur.execute(
                    self.db._sql(
                        "INSERT INTO legal_proposals (workspace_id, mention_id, label, score, "
                        "cues, created_at) VALUES (?, ?, ?, ?, ?, ?) "
                        "ON CONFLICT (workspace_id, mention_id) DO NOTHING RETURNING id"
                    ),
                    (p.workspace_id, clean(p.mention_id), p.label, p.score,
                     dump_json(p.cues), self.db._ts(p.created_at)),
                )  # fmt: skip
                new += len(cur.fetchall())
        return new

    def list_proposals(
        self, workspace_id: int, status: str = "proposed", limit: int = 100
    ) -> list[Proposal]:
        """Threats first (people's safety), then defamation, then insults; within a
        label the strongest evidence (score) first, then the newest."""
        rows = self.db._rows(
            f"SELECT {_COLS} FROM legal_proposals WHERE workspace_id = ? AND status = ? "
            "ORDER BY CASE label WHEN 'threat' THEN 0 WHEN 'defamation' THEN 1 ELSE 2 END, "
            "score DESC, created_at DESC, id DESC LIMIT ?",
            [workspace_id, status, limit],
        )
        return [self._row(r) for r in rows]

    def get_proposal(self, proposal_id: int) -> Proposal | None:
        rows = self.db._rows(f"SELECT {_COLS} FROM legal_proposals WHERE id = ?", [proposal_id])
        return self._row(rows[0]) if rows else None

    def decide(
        self, proposal_id: int, status: str, by: str, at: datetime, case_id: int | None = None
    ) -> bool:
        if status not in ("accepted", "dismissed"):
            raise ValueError("a proposal is accepted or dismissed")
        with self.db._tx() as cur:
            cur.execute(
                self.db._sql(
                    "UPDATE legal_proposals SET status = ?, decided_by = ?, decided_at = ?, "
                    "case_id = ? WHERE id = ? AND status = 'proposed' RETURNING id"
                ),
                (status, clean(by), self.db._ts(at), case_id, proposal_id),
            )
            return bool(cur.fetchall())
