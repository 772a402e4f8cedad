"""Persistence of append-only hash chains (table ``chain_entries``, migration 0016).

One table holds every named chain: ``"audit"`` (engagement: drafts, approvals,
publications, refused attempts) and ``"custody:<case>"`` (legal evidence). The hashing
is :mod:`socialhub.records.chain`; this module only appends and reads.

Appending reads the chain's head and inserts the next entry in ONE write transaction,
with the head read under a lock so two writers never extend the same head:

* SQLite: the store's single writer with ``BEGIN IMMEDIATE`` (the file's write lock);
* PostgreSQL: ``pg_advisory_xact_lock`` on the chain's name, held until commit.

``UNIQUE (chain, seq)`` is the safety net under both. Nothing here updates or deletes
a row, and the migration's triggers refuse both (and TRUNCATE on PostgreSQL).

Use :meth:`ChainRepo.append_in` to write an entry inside a transaction that also
changes other tables (the audit line commits or rolls back with the action itself):

>>> with store.engage.transaction() as cur:                    # doctest: +SKIP
...     ...  # mark the draft approved
...     store.chain.append_in(cur, "audit", "bob", "draft.approved", "draft:7", {}, at=now)
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from datetime import datetime
from typing import Any

from socialhub.models import utcnow
from socialhub.records.chain import ChainBreak, ChainEntry, genesis_hash, make_entry, verify
from socialhub.store.sqlbase import Cursor, Repo, SqlDb

# First key of the two-int advisory lock: keeps chain locks apart from other users of
# advisory locks (the migration lock uses the one-bigint form).
_PG_CHAIN_LOCK = 0x5C4A
PAGE = 1000
_COLS = "chain, seq, at, actor, action, subject, payload, prev_hash, entry_hash, id"


class ChainRepo(Repo):
    """The chains (``store.chain``, a :class:`~socialhub.store.base.ChainStore`)."""

    def __init__(self, db: SqlDb | Any) -> None:
        # the store's connection object; a whole store is accepted too (ChainRepo(store))
        db = getattr(db, "db", db)
        super().__init__(db)
        self._pg = str(db.url).startswith(("postgresql:", "postgres:"))

    # -- writing ------------------------------------------------------------------

    def append(
        self,
        chain: str,
        actor: str,
        action: str,
        subject: str,
        payload: Mapping[str, Any] | None = None,
        *,
        at: datetime | None = None,
    ) -> ChainEntry:
        """Append one entry in its own transaction."""
        with self._tx() as cur:
            return self.append_in(cur, chain, actor, action, subject, payload, at=at)

    def append_in(
        self,
        cur: Cursor,
        chain: str,
        actor: str,
        action: str,
        subject: str,
        payload: Mapping[str, Any] | None = None,
        *,
        at: datetime | None = None,
    ) -> ChainEntry:
        """Append one entry inside the caller's open write transaction ``cur``."""
        if self._pg:
            cur.execute("SELECT pg_advisory_xact_lock(%s, hashtext(%s))", (_PG_CHAIN_LOCK, chain))
        cur.execute(
            self._sql(
                "SELECT seq, entry_hash FROM chain_entries WHERE chain = ? "
                "ORDER BY seq DESC LIMIT 1"
            ),
            (chain,),
        )
        row = cur.fetchone()
        seq, prev = (1, genesis_hash(chain)) if row is None else (int(row[0]) + 1, str(row[1]))
        entry = make_entry(chain, seq, prev, at or utcnow(), actor, action, subject, payload)
        cur.execute(
            self._sql(
                "INSERT INTO chain_entries (chain, seq, at, actor, action, subject, payload, "
                "prev_hash, entry_hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id"
            ),
            (
                entry.chain,
                entry.seq,
                self._ts(entry.at),
                entry.actor,
                entry.action,
                entry.subject,
                json.dumps(entry.payload, sort_keys=True, ensure_ascii=False),
                entry.prev_hash,
                entry.entry_hash,
            ),
        )
        new_id = cur.fetchone()[0]
        return ChainEntry(
            entry.chain,
            entry.seq,
            entry.at,
            entry.actor,
            entry.action,
            entry.subject,
            entry.payload,
            entry.prev_hash,
            entry.entry_hash,
            int(new_id),
        )

    # -- reading ------------------------------------------------------------------

    def _entry(self, row: tuple[Any, ...]) -> ChainEntry:
        chain, seq, at, actor, action, subject, payload, prev, digest, row_id = row
        return ChainEntry(
            chain,
            int(seq),
            self._dt(at),
            actor,
            action,
            subject,
            json.loads(payload),
            prev,
            digest,
            int(row_id),
        )

    def head(self, chain: str) -> ChainEntry | None:
        rows = self._rows(
            f"SELECT {_COLS} FROM chain_entries WHERE chain = ? ORDER BY seq DESC LIMIT 1",
            [chain],
        )
        return self._entry(rows[0]) if rows else None

    def chains(self, prefix: str = "") -> list[str]:
        """Names of the chains that have entries, optionally starting with ``prefix``."""
        rows = self._rows(
            "SELECT DISTINCT chain FROM chain_entries WHERE substr(chain, 1, ?) = ? ORDER BY chain",
            [len(prefix), prefix],
        )
        return [str(r[0]) for r in rows]

    def iter_entries(self, chain: str) -> Iterator[ChainEntry]:
        """Every entry of a chain in order, read a page at a time."""
        after = 0
        while True:
            rows = self._rows(
                f"SELECT {_COLS} FROM chain_entries WHERE chain = ? AND seq > ? "
                "ORDER BY seq LIMIT ?",
                [chain, after, PAGE],
            )
            for row in rows:
                yield self._entry(row)
            if len(rows) < PAGE:
                return
            after = int(rows[-1][1])

    def entries(
        self, chain: str, *, limit: int = 100, before_seq: int | None = None
    ) -> list[ChainEntry]:
        """The latest entries of a chain, newest first (a page of the audit screen)."""
        rows = self._rows(
            f"SELECT {_COLS} FROM chain_entries WHERE chain = ? AND seq < ? "
            "ORDER BY seq DESC LIMIT ?",
            [chain, before_seq if before_seq is not None else 2**62, limit],
        )
        return [self._entry(r) for r in rows]

    def for_subject(self, subject: str, chain: str | None = None) -> list[ChainEntry]:
        """Entries about one subject (e.g. ``draft:12``), oldest first."""
        sql = f"SELECT {_COLS} FROM chain_entries WHERE subject = ?"
        params: list[Any] = [subject]
        if chain is not None:
            sql += " AND chain = ?"
            params.append(chain)
        return [self._entry(r) for r in self._rows(sql + " ORDER BY id", params)]

    def verify(self, chain: str | None = None, *, prefix: str = "") -> ChainBreak | None:
        """Verify one chain, or every chain whose name starts with ``prefix``."""
        names = [chain] if chain is not None else self.chains(prefix)
        for name in names:
            broken = verify(self.iter_entries(name))
            if broken is not None:
                return broken
        return None
