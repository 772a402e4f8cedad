"""Reading mentions back, shared by both stores: get_mention, search and count.

The query language is compiled by :mod:`socialhub.query.sql` into a boolean SQL
expression over the alias ``m`` (the mentions table); this module wraps it with the
workspace and time filters, the ordering (newest first) and the paging, then maps the
rows back to :class:`~socialhub.models.Mention` objects.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from socialhub.models import Mention
from socialhub.store.admin import AdminMixin, Cursor, iter_chunks
from socialhub.store.common import READ_COLUMNS, row_to_mention

if TYPE_CHECKING:
    from socialhub.query.ast import Node

_SELECT = ", ".join(READ_COLUMNS)
_CHUNK = 500  # placeholders per IN (...) list: well under SQLite's limit


class SqlStoreBase(AdminMixin):
    """Everything both stores do the same way; they add connections, add() and migrate()."""

    url: str

    def _compile(self, node: Node, workspace_id: int | None) -> tuple[str, list[object]]:
        """The dialect's query compiler (``compile_sqlite`` or ``compile_postgres``)."""
        raise NotImplementedError

    # -- routes -----------------------------------------------------------------------

    def _load_routes(self, cur: Cursor, mentions: Sequence[Mention]) -> None:
        """Put the workspace of every query id the batch mentions into the cache."""
        missing = self._routes.missing(q for m in mentions for q in m.query_ids)
        for chunk in iter_chunks(missing, _CHUNK):
            marks = ", ".join("?" * len(chunk))
            cur.execute(
                self._sql(f"SELECT id, workspace_id FROM queries WHERE id IN ({marks})"),
                tuple(chunk),
            )
            self._routes.remember(cur.fetchall())

    # -- reading ----------------------------------------------------------------------

    def _query_ids(self, seqs: Sequence[int]) -> dict[int, list[int]]:
        found: dict[int, list[int]] = {}
        for chunk in iter_chunks(list(seqs), _CHUNK):
            marks = ", ".join("?" * len(chunk))
            rows = self._rows(
                f"SELECT mention_seq, query_id FROM mention_queries "
                f"WHERE mention_seq IN ({marks}) ORDER BY query_id",
                chunk,
            )
            for seq, qid in rows:
                found.setdefault(int(seq), []).append(int(qid))
        return found

    def _mentions(self, rows: list[tuple[Any, ...]]) -> list[Mention]:
        """Rows of READ_COLUMNS (seq first) -> mentions, with their routed query ids."""
        routes = self._query_ids([int(r[0]) for r in rows])
        return [row_to_mention(r, routes.get(int(r[0]), []), self._dt) for r in rows]

    def get_mention(self, mention_id: str) -> Mention | None:
        """The stored mention; ``query_ids`` come back sorted, the author as last seen."""
        rows = self._rows(
            f"SELECT {_SELECT} FROM mentions m LEFT JOIN authors a ON a.id = m.author_id "
            "WHERE m.id = ?",
            [mention_id],
        )
        return self._mentions(rows)[0] if rows else None

    def _where(
        self,
        query: str | Node | None,
        workspace_id: int | None,
        since: datetime | None,
        until: datetime | None,
    ) -> tuple[str, list[Any]]:
        """The WHERE clause (over alias ``m``) for search and count, with its params.

        Our own fragments use ``?`` and go through ``_sql``; the compiled query is
        already in the driver's placeholder style and is inserted untouched.
        """
        parts: list[str] = []
        params: list[Any] = []
        if workspace_id is not None:
            parts.append(
                self._sql(
                    "m.seq IN (SELECT mention_seq FROM mention_workspaces WHERE workspace_id = ?)"
                )
            )
            params.append(workspace_id)
        if since is not None:
            parts.append(self._sql("m.created_at >= ?"))
            params.append(self._ts(since))
        if until is not None:
            parts.append(self._sql("m.created_at < ?"))
            params.append(self._ts(until))
        if query is not None:
            if isinstance(query, str):
                from socialhub.query import parse

                query = parse(query)
            expr, expr_params = self._compile(query, workspace_id)
            parts.append(f"({expr})")
            params.extend(expr_params)
        return (" WHERE " + " AND ".join(parts)) if parts else "", params

    def search(
        self,
        query: str | Node,
        *,
        workspace_id: int | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        limit: int = 50,
        offset: int = 0,
    ) -> list[Mention]:
        """Mentions matching a query-language expression, newest first.

        ``since`` is inclusive and ``until`` exclusive, both on ``created_at``; a
        workspace restricts to the mentions routed to one of its queries.
        """
        where, params = self._where(query, workspace_id, since, until)
        page = self._sql(" ORDER BY m.created_at DESC, m.seq DESC LIMIT ? OFFSET ?")
        # The inner query holds the compiled expression alone with its alias m; the
        # outer one joins the author only for the page of hits.
        rows = self._rows(
            f"SELECT {_SELECT} FROM (SELECT m.seq FROM mentions m{where}{page}) hit "
            "JOIN mentions m ON m.seq = hit.seq LEFT JOIN authors a ON a.id = m.author_id "
            "ORDER BY m.created_at DESC, m.seq DESC",
            [*params, limit, offset],
            translate=False,
        )
        return self._mentions(rows)

    def count(
        self,
        query: str | Node | None = None,
        *,
        workspace_id: int | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
    ) -> int:
        """How many mentions match (all of them in the window when ``query`` is None)."""
        where, params = self._where(query, workspace_id, since, until)
        rows = self._rows(f"SELECT count(*) FROM mentions m{where}", params, translate=False)
        return int(rows[0][0])
