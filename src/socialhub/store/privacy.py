"""Erasure of a person and retention by policy, on both stores (issue 17).

``PrivacyRepo(store)`` works through the store's connection primitives (it is not a
mixin of the big Store class). Two operations delete mentions, and both keep every
derived store exact:

* the full-text index (SQLite's contentless FTS5 forgets a row only when given the
  tokens it indexed; PostgreSQL's tsvector is a column of the row),
* the routes (``mention_queries``, ``mention_workspaces``), ``mention_keys`` and the
  relevance labels (PostgreSQL; SQLite cascades), and the dashboard rollups, which
  lose one per deleted route (no trigger does it on delete).

Items under legal hold (:meth:`LegalRepo.holds`) are never deleted: they are returned
with the hold's reason and the exemption is logged in ``legal_hold_events``.

Derived stores that copy a person's words or name (alert titles, provenance and
evidence lists, notifications, report archives, quarantine and dead letters, copies in
closed legal cases) are found by :func:`socialhub.store.traces.find_traces` over every
table of the schema and redacted there (:mod:`socialhub.privacy.redact` decides how).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol, cast

from socialhub.store.convert import dump_json
from socialhub.store.legal import Hold, LegalRepo
from socialhub.store.packing import sha256_text, unpack_raw
from socialhub.store.sqlbase import Cursor, SqlPrimitives, iter_chunks
from socialhub.store.traces import Column, Trace, find_traces, is_postgres, text_columns
from socialhub.text import fts_document, index_tokens, norm_handle

SLOT_S = 900  # rollup slot, seconds (store.rollups)
DAY_S = 86_400  # rollup_author_days.day, seconds

# Tables erasure does not rewrite generically: the rows it deletes by key, the company's
# own accounts, and the append-only chains (a legal-claims record, GDPR art. 17(3)(e):
# their entries carry ids and actions, never a post's text or an author's name).
NOT_REDACTED = frozenset(
    {
        "mentions",
        "mention_keys",
        "mention_queries",
        "mention_workspaces",
        "relevance_labels",
        "authors",
        "rollup_author_days",
        "rollup_author_weeks",  # follows rollup_author_days by triggers (0021)
        "schema_migrations",
        "users",
        "web_sessions",
        "api_tokens",
        "login_failures",
        "site_admins",
        "memberships",
        "user_events",
        "privacy_erasures",
        "legal_hold_events",
        "audit_log",
        "custody_log",
        "chain_entries",
    }
)
# Tables whose whole row is the person's payload: matching rows are deleted.
DELETED_ROWS = frozenset({"quarantine", "dead_letters", "legal_proposals"})
# Legal tables whose rows belong to a case: kept while the case holds.
CASE_TABLES = frozenset({"legal_case_items", "legal_case_notes", "legal_captures"})


@dataclass(slots=True)
class Subject:
    """Who is erased or exported: a handle, on one platform or every one."""

    handle: str
    platform: str | None = None

    @property
    def norm(self) -> str:
        return norm_handle(self.handle)

    def key(self) -> str:
        return f"{self.platform or '*'}:{self.norm}"


@dataclass(slots=True)
class Found:
    """The subject's profile rows and mentions, as stored."""

    authors: list[dict[str, Any]] = field(default_factory=list)
    mentions: list[dict[str, Any]] = field(default_factory=list)

    @property
    def author_ids(self) -> list[str]:
        return sorted({str(a["id"]) for a in self.authors})


@dataclass(slots=True)
class Deleted:
    mentions: int = 0
    routes: int = 0
    held: list[Hold] = field(default_factory=list)


class PrivacyStore(Protocol):
    """What the privacy layer needs from persistence."""

    def find_subject(self, subject: Subject) -> Found: ...

    def delete_mentions(self, seqs: Sequence[int], at: datetime) -> Deleted: ...

    def delete_authors(self, author_ids: Sequence[str]) -> int: ...

    def delete_watchlist_members(self, subject: Subject) -> int: ...

    def traces(self, needles: Sequence[str], *, exclude: Sequence[str] = ()) -> list[Trace]: ...

    def rewrite(self, trace: Trace, new: Any) -> int: ...

    def record_erasure(
        self, subject_sha256: str, by: str, at: datetime, counts: dict[str, int], held: list[Hold]
    ) -> None: ...


_MENTION_READ = (
    "seq, id, platform, native_id, url, text, author_id, author_handle, created_at, raw, "
    "raw_sha256, lang, kind"
)


class PrivacyRepo:
    def __init__(self, store: object) -> None:
        # A store (its connection object is ``store.db``) or that object itself.
        self.db = cast(SqlPrimitives, getattr(store, "db", store))
        self.pg = is_postgres(self.db)
        self.legal = LegalRepo(store)

    # -- finding ---------------------------------------------------------------------

    def find_subject(self, subject: Subject) -> Found:
        where, params = "handle_norm = ?", [subject.norm]
        if subject.platform:
            where += " AND platform = ?"
            params.append(subject.platform)
        cols = (
            "id, platform, native_id, handle, name, followers, following, verified, "
            "created_at, location, description"
        )
        authors = [
            dict(zip([c.strip() for c in cols.split(",")], row, strict=True))
            for row in self.db._rows(f"SELECT {cols} FROM authors WHERE {where}", params)
        ]
        ids = [str(a["id"]) for a in authors]
        # Mentions by author id, and by handle for those stored without an author row.
        mwhere, mparams = "author_handle = ?", [subject.norm]
        if subject.platform:
            mwhere = f"({mwhere} AND platform = ?)"
            mparams.append(subject.platform)
        if ids:
            mwhere += f" OR author_id IN ({', '.join('?' * len(ids))})"
            mparams += ids
        names = [c.strip() for c in _MENTION_READ.split(",")]
        mentions = [
            dict(zip(names, row, strict=True))
            for row in self.db._rows(
                f"SELECT {_MENTION_READ} FROM mentions WHERE {mwhere} ORDER BY created_at, seq",
                mparams,
            )
        ]
        for m in mentions:  # SQLite packs the evidence (store/packing.py)
            m["raw"] = unpack_raw(m["raw"], str(m["text"]))
            m["raw_sha256"] = sha256_text(m["raw_sha256"])
        return Found(authors, mentions)

    def traces(self, needles: Sequence[str], *, exclude: Sequence[str] = ()) -> list[Trace]:
        return find_traces(self.db, needles, exclude=exclude)

    # -- deleting mentions -------------------------------------------------------------

    def delete_mentions(self, seqs: Sequence[int], at: datetime) -> Deleted:
        """Delete these mentions with their index entries, routes and rollup counts;
        those under hold are kept and returned (the exemption is logged)."""
        holds = self.legal.holds("mention")
        out = Deleted()
        for chunk in iter_chunks(sorted(set(seqs)), 500):
            rows = self._mention_rows(chunk)
            held = [holds[r[1]] for r in rows if r[1] in holds]
            out.held += held
            doomed = [r for r in rows if r[1] not in holds]
            if doomed:
                with self.db._tx() as cur:
                    out.routes += self._drop_routes(cur, [r[0] for r in doomed], None)
                    self._drop_rows(cur, doomed)
                out.mentions += len(doomed)
        self.legal.record_hold_events("erasure", out.held, at)
        return out

    def _mention_rows(self, seqs: Sequence[int]) -> list[tuple[int, str, str, Any]]:
        marks = ", ".join("?" * len(seqs))
        rows = self.db._rows(
            f"SELECT seq, id, text, created_at FROM mentions WHERE seq IN ({marks})", list(seqs)
        )
        return [(int(s), str(i), str(t), c) for s, i, t, c in rows]

    def _slot(self, created: Any) -> int:
        if isinstance(created, datetime):
            return int(created.timestamp()) // SLOT_S
        return int(created) // (SLOT_S * 1000)

    def _day(self, created: Any) -> int:
        if isinstance(created, datetime):
            return int(created.timestamp()) // DAY_S
        return int(created) // (DAY_S * 1000)

    def _drop_routes(self, cur: Cursor, seqs: Sequence[int], workspace_id: int | None) -> int:
        """Delete the routes of these mentions (in one workspace, or all) and take them
        out of the rollups. Returns the number of workspace rows deleted."""
        sql = self.db._sql
        marks = ", ".join("?" * len(seqs))
        ws_sql, ws_params = (
            ("", []) if workspace_id is None else (" AND workspace_id = ?", [workspace_id])
        )
        cur.execute(
            sql(
                f"SELECT workspace_id, query_id, created_at FROM mention_queries "
                f"WHERE mention_seq IN ({marks}){ws_sql}"
            ),
            (*seqs, *ws_params),
        )
        queries = Counter((int(w), self._slot(t), int(q)) for w, q, t in cur.fetchall())
        cur.execute(
            sql(
                "SELECT mw.workspace_id, mw.created_at, m.platform, m.lang, "
                "coalesce(m.sentiment_label, ''), mw.author_id, mw.engagement "
                "FROM mention_workspaces mw "
                f"JOIN mentions m ON m.seq = mw.mention_seq WHERE mw.mention_seq IN ({marks})"
                + ws_sql.replace("workspace_id", "mw.workspace_id")
            ),
            (*seqs, *ws_params),
        )
        found = cur.fetchall()
        spaces = Counter(
            (int(w), self._slot(t), str(p), str(lang), str(s)) for w, t, p, lang, s, _, _ in found
        )
        # the per-day author rollup (migration 0020): one mention and its engagement
        by_author: dict[tuple[int, int, str], list[int]] = {}
        for w, t, *_, author, engagement in found:
            if author is not None:
                counts = by_author.setdefault((int(w), self._day(t), str(author)), [0, 0])
                counts[0] += 1
                counts[1] += int(engagement)
        cur.executemany(
            sql(
                "UPDATE rollup_queries SET n = n - ? WHERE workspace_id = ? AND slot = ? "
                "AND query_id = ?"
            ),
            [(n, *key) for key, n in queries.items()],
        )
        cur.executemany(
            sql(
                "UPDATE rollup_workspaces SET n = n - ? WHERE workspace_id = ? AND slot = ? "
                "AND platform = ? AND lang = ? AND sentiment = ?"
            ),
            [(n, *key) for key, n in spaces.items()],
        )
        keys = [(*key, n, e) for key, (n, e) in by_author.items()]
        cur.executemany(
            sql(
                "UPDATE rollup_author_days SET n = n - ?, engagement = engagement - ? "
                "WHERE workspace_id = ? AND day = ? AND author_id = ?"
            ),
            [(n, e, *key) for *key, n, e in keys],
        )
        cur.executemany(  # an erased author's id leaves no row behind
            sql(
                "DELETE FROM rollup_author_days WHERE workspace_id = ? AND day = ? "
                "AND author_id = ? AND n <= 0"
            ),
            [tuple(k[:3]) for k in keys],
        )
        for table in ("mention_queries", "mention_workspaces"):
            cur.execute(
                sql(f"DELETE FROM {table} WHERE mention_seq IN ({marks}){ws_sql}"),
                (*seqs, *ws_params),
            )
        return sum(spaces.values())

    def _drop_rows(self, cur: Cursor, rows: Sequence[tuple[int, str, str, Any]]) -> None:
        sql = self.db._sql
        if self.pg:
            # Deleting the key cascades to relevance_labels (migration 0013).
            cur.executemany(sql("DELETE FROM mention_keys WHERE id = ?"), [(r[1],) for r in rows])
            cur.executemany(
                sql("DELETE FROM mentions WHERE seq = ? AND created_at = ?"),
                [(r[0], r[3]) for r in rows],
            )
            return
        cur.executemany(
            "INSERT INTO mentions_fts (mentions_fts, rowid, tokens) VALUES ('delete', ?, ?)",
            [(seq, fts_document(index_tokens(text))) for seq, _, text, _ in rows],
        )
        cur.executemany("DELETE FROM mentions WHERE seq = ?", [(r[0],) for r in rows])

    # -- profile and lists ------------------------------------------------------------

    def delete_authors(self, author_ids: Sequence[str]) -> int:
        if not author_ids:
            return 0
        marks = ", ".join("?" * len(author_ids))
        with self.db._tx() as cur:
            cur.execute(
                self.db._sql(f"DELETE FROM authors WHERE id IN ({marks}) RETURNING id"),
                tuple(author_ids),
            )
            gone = len(cur.fetchall())
        cache = getattr(self.db, "authors", None)
        if cache is not None and hasattr(cache, "_rows"):
            # A re-collection must write the profile again, not skip it as unchanged.
            with cache._lock:
                for author_id in author_ids:
                    cache._rows.pop(author_id, None)
        return gone

    def delete_watchlist_members(self, subject: Subject) -> int:
        where, params = "handle_norm = ?", [subject.norm]
        if subject.platform:
            where += " AND platform IN ('', ?)"
            params.append(subject.platform)
        with self.db._tx() as cur:
            cur.execute(
                self.db._sql(f"DELETE FROM watchlist_members WHERE {where} RETURNING handle"),
                tuple(params),
            )
            return len(cur.fetchall())

    # -- derived stores -----------------------------------------------------------------

    def columns(self) -> list[Column]:
        return text_columns(self.db)

    def rewrite(self, trace: Trace, new: Any) -> int:
        """Replace a column's value in the rows holding the old one (``new`` None:
        delete those rows). Returns the number of rows changed."""
        old = trace.row[trace.column]
        col = next(
            (c for c in self.columns() if c.table == trace.table and c.name == trace.column),
            None,
        )
        if col is None:
            return 0
        cast = "CAST(? AS jsonb)" if self.pg and col.type == "jsonb" else "?"
        old_param = dump_json(old) if self.pg and col.type == "jsonb" else old
        new_param = dump_json(new) if self.pg and col.type == "jsonb" and new is not None else new
        with self.db._tx() as cur:
            if new is None:
                cur.execute(
                    self.db._sql(f'DELETE FROM "{trace.table}" WHERE "{trace.column}" = {cast}'),
                    (old_param,),
                )
            else:
                cur.execute(
                    self.db._sql(
                        f'UPDATE "{trace.table}" SET "{trace.column}" = {cast} '
                        f'WHERE "{trace.column}" = {cast}'
                    ),
                    (new_param, old_param),
                )
            return int(getattr(cur, "rowcount", 0) or 0)

    def set_report_pdf(self, report_id: int, pdf: bytes | None) -> None:
        with self.db._tx() as cur:
            cur.execute(self.db._sql("UPDATE reports SET pdf = ? WHERE id = ?"), (pdf, report_id))

    def open_case_ids(self) -> set[int]:
        rows = self.db._rows("SELECT id FROM legal_cases WHERE status <> 'closed'")
        return {int(r[0]) for r in rows}

    def record_erasure(
        self, subject_sha256: str, by: str, at: datetime, counts: dict[str, int], held: list[Hold]
    ) -> None:
        held_json = [{"item": h.item_id, "case": h.case_id, "reason": h.reason} for h in held]
        with self.db._tx() as cur:
            cur.execute(
                self.db._sql(
                    "INSERT INTO privacy_erasures (subject_sha256, requested_by, at, counts, held) "
                    "VALUES (?, ?, ?, ?, ?)"
                ),
                (subject_sha256, by, self.db._ts(at), dump_json(counts), dump_json(held_json)),
            )

    # -- retention by policy ------------------------------------------------------------

    def expired_routes(
        self,
        workspace_id: int,
        cutoff: datetime,
        platforms: Sequence[str] | None,
        skip: Sequence[str],
    ) -> list[int]:
        """Mentions routed to a workspace before ``cutoff`` (only these platforms, or all
        but ``skip``), by seq."""
        sql = "SELECT mention_seq FROM mention_workspaces WHERE workspace_id = ? AND created_at < ?"
        params: list[Any] = [workspace_id, self.db._ts(cutoff)]
        if platforms is not None:
            sql += f" AND platform IN ({', '.join('?' * len(platforms))})"
            params += list(platforms)
        elif skip:
            sql += f" AND platform NOT IN ({', '.join('?' * len(skip))})"
            params += list(skip)
        return [int(r[0]) for r in self.db._rows(sql, params)]

    def drop_workspace_routes(
        self, workspace_id: int, seqs: Sequence[int], at: datetime
    ) -> Deleted:
        """Take these mentions out of one workspace (held ones stay); a mention left in
        no workspace is deleted with its index entries."""
        holds = self.legal.holds("mention")
        out = Deleted()
        for chunk in iter_chunks(sorted(set(seqs)), 500):
            rows = self._mention_rows(chunk)
            out.held += [holds[r[1]] for r in rows if r[1] in holds]
            free = [r for r in rows if r[1] not in holds]
            if not free:
                continue
            with self.db._tx() as cur:
                out.routes += self._drop_routes(cur, [r[0] for r in free], workspace_id)
                marks = ", ".join("?" * len(free))
                cur.execute(
                    self.db._sql(
                        f"SELECT DISTINCT mention_seq FROM mention_workspaces "
                        f"WHERE mention_seq IN ({marks})"
                    ),
                    tuple(r[0] for r in free),
                )
                still = {int(r[0]) for r in cur.fetchall()}
                orphans = [r for r in free if r[0] not in still]
                if orphans:
                    self._drop_routes(cur, [r[0] for r in orphans], None)
                    self._drop_rows(cur, orphans)
                out.mentions += len(orphans)
        self.legal.record_hold_events("retention", out.held, at)
        return out
