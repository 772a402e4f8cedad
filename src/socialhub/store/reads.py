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
from socialhub.store.base import AddResult
from socialhub.store.common import READ_COLUMNS, row_to_mention
from socialhub.store.convert import clean
from socialhub.store.sqlbase import Cursor, Repo, iter_chunks

if TYPE_CHECKING:
    from socialhub.query.ast import Node

_SELECT = ", ".join(READ_COLUMNS)
_CHUNK = 500  # placeholders per IN (...) list: well under SQLite's limit
# How many of the newest mentions in scope search() checks before letting the
# full-text index drive (see MentionReads.search).
PROBE = 5000
THREAD_LIMIT = 100  # replies or quotes shown on a mention page
_Sql = tuple[str, list[Any]]


class MentionReads(Repo):
    """Mentions read back, the same on both dialects; each dialect's mention repository
    adds the bulk write (``add``)."""

    def add(self, batch: Sequence[Mention]) -> AddResult:
        """The dialect's bulk write (see :class:`socialhub.store.base.MentionStore`)."""
        raise NotImplementedError

    # -- routes -----------------------------------------------------------------------

    def _load_routes(self, cur: Cursor, mentions: Sequence[Mention]) -> None:
        """Put the workspace of every query id the batch mentions into the cache."""
        missing = self.db.routes.missing(q for m in mentions for q in m.query_ids)
        for chunk in iter_chunks(missing, _CHUNK):
            marks = ", ".join("?" * len(chunk))
            cur.execute(
                self._sql(f"SELECT id, workspace_id FROM queries WHERE id IN ({marks})"),
                tuple(chunk),
            )
            self.db.routes.remember(cur.fetchall())

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
            [clean(mention_id)],
        )
        return self._mentions(rows)[0] if rows else None

    def _compiled(self, query: str | Node | None, workspace_id: int | None) -> _Sql | None:
        if query is None:
            return None
        if isinstance(query, str):
            from socialhub.query import parse

            query = parse(query)
        return self._compile(query, workspace_id)

    def _window(self, column: str, since: datetime | None, until: datetime | None) -> _Sql:
        parts: list[str] = []
        params: list[Any] = []
        if since is not None:
            parts.append(self._sql(f"{column} >= ?"))
            params.append(self._ts(since))
        if until is not None:
            parts.append(self._sql(f"{column} < ?"))
            params.append(self._ts(until))
        return " AND ".join(parts), params

    def _by_time(
        self, workspace_id: int | None, since: datetime | None, until: datetime | None
    ) -> _Sql:
        """``SELECT seq, created_at`` of the mentions in scope, from a time-ordered index:
        ``mention_workspaces`` (workspace_id, created_at) holds each mention's time."""
        if workspace_id is None:
            window, params = self._window("created_at", since, until)
            return f"SELECT seq, created_at FROM mentions{_where(window)}", params
        window, params = self._window("created_at", since, until)
        return (
            self._sql("SELECT mention_seq AS seq, created_at FROM mention_workspaces ")
            + _where(self._sql("workspace_id = ?"), window),
            [workspace_id, *params],
        )

    def _by_match(
        self, expr: _Sql, workspace_id: int | None, since: datetime | None, until: datetime | None
    ) -> _Sql:
        """``FROM mentions m WHERE ...`` letting the full-text index drive: the query
        first, the workspace and the window as filters on its hits."""
        window, params = self._window("m.created_at", since, until)
        scope = ""
        if workspace_id is not None:
            scope = self._sql(
                "EXISTS (SELECT 1 FROM mention_workspaces mw "
                "WHERE mw.workspace_id = ? AND mw.mention_seq = m.seq)"
            )
            params.append(workspace_id)
        return f"FROM mentions m{_where(f'({expr[0]})', window, scope)}", [*expr[1], *params]

    def _probe(
        self, expr: _Sql, workspace_id: int | None, since: datetime | None, until: datetime | None
    ) -> _Sql:
        """The PROBE newest mentions in scope, each with ``matched``: whether it matches."""
        if workspace_id is None:
            source, time_col, seq_col = "mentions m", "m.created_at", "m.seq"
            scope, params = "", []
        else:
            source = "mention_workspaces mw JOIN mentions m ON m.seq = mw.mention_seq"
            time_col, seq_col = "mw.created_at", "mw.mention_seq"
            scope, params = self._sql("mw.workspace_id = ?"), [workspace_id]
        window, window_params = self._window(time_col, since, until)
        sql = (
            f"SELECT {seq_col} AS seq, {time_col} AS created_at, ({expr[0]}) AS matched "
            f"FROM {source}{_where(scope, window)} "
            + self._sql(f"ORDER BY {time_col} DESC, {seq_col} DESC LIMIT ?")
        )
        return sql, [*expr[1], *params, *window_params, PROBE]

    def search(
        self,
        query: str | Node | None,
        *,
        workspace_id: int | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        limit: int = 50,
        offset: int = 0,
    ) -> list[Mention]:
        """Mentions matching a query-language expression (None: all), newest first.

        ``since`` is inclusive and ``until`` exclusive, both on ``created_at``; a
        workspace restricts to the mentions routed to one of its queries.

        No planner estimates full-text selectivity well, so the full-text index is
        asked first how many hits bound the query's (up to :data:`PROBE`, ~0.1 ms): none
        is the answer; a few, and the full-text index drives. Otherwise (a frequent
        term, or a query no text bounds) the newest :data:`PROBE` mentions in scope are
        checked against the query; if they hold the whole page, it is the answer (every
        other match is older), else the full-text index drives after all.
        """
        node = _parsed(query)
        expr = None if node is None else self._compile(node, workspace_id)
        page = self._sql(" LIMIT ? OFFSET ?")
        if node is None or expr is None:
            scope, scope_params = self._by_time(workspace_id, since, until)
            inner = f"SELECT seq FROM ({scope}) recent ORDER BY created_at DESC, seq DESC{page}"
            return self._page(inner, [*scope_params, limit, offset])
        driver = self._driver(node)
        if driver is not None:
            found = self._driven(driver, expr, workspace_id, since, until, limit, offset)
            if found is not None:
                return found
        if offset + limit <= PROBE // 10:
            # The query sits in the select list, so it is tested on exactly the PROBE
            # newest rows walked from the time index, never answered from the
            # full-text index (which would fetch and recheck every hit of a frequent
            # term: 220 ms for a 3% phrase at 1M mentions on PostgreSQL).
            probe, probe_params = self._probe(expr, workspace_id, since, until)
            inner = (
                f"SELECT seq FROM ({probe}) recent WHERE matched "
                f"ORDER BY created_at DESC, seq DESC{page}"
            )
            rows = self._page_rows(inner, [*probe_params, limit, offset])
            if len(rows) == limit:  # records are built only for the answer
                return self._mentions(rows)
        # MATERIALIZED: without an ORDER BY ... LIMIT next to it the planner fetches
        # the hits from the full-text index (PostgreSQL otherwise walks created_at
        # backwards, filtering, when it overestimates the hits: 250 ms vs 3 ms).
        source, params = self._by_match(expr, workspace_id, since, until)
        inner = (
            f"WITH hits AS MATERIALIZED (SELECT m.seq, m.created_at {source}) "
            f"SELECT seq FROM hits ORDER BY created_at DESC, seq DESC{page}"
        )
        return self._page(inner, [*params, limit, offset])

    def _driven(
        self,
        driver: tuple[str, list[object], bool],
        expr: _Sql,
        workspace_id: int | None,
        since: datetime | None,
        until: datetime | None,
        limit: int,
        offset: int,
    ) -> list[Mention] | None:
        """The page when at most PROBE full-text hits bound the query, else None.

        One statement: the hits (``LIMIT PROBE + 1``, ~0.1 ms for an absent term),
        their count, and only when it is at most PROBE the page among them (the
        query rechecked on them unless the hits are exactly its matches); then the
        page's records, built for the answer only.
        """
        hits, hit_params, exact = driver
        window, params = self._window("m.created_at", since, until)
        scope = ""
        if workspace_id is not None:
            scope = self._sql(
                "EXISTS (SELECT 1 FROM mention_workspaces mw "
                "WHERE mw.workspace_id = ? AND mw.mention_seq = m.seq)"
            )
            params.append(workspace_id)
        check = "" if exact else f"({expr[0]})"
        gate = self._sql("(SELECT count(*) FROM f) <= ?")
        sql = self._sql(
            f"WITH f AS MATERIALIZED ({hits} LIMIT ?) SELECT NULL, count(*) FROM f "
            "UNION ALL SELECT * FROM (SELECT m.seq, m.created_at FROM f "
            f"JOIN mentions m ON m.seq = f.seq{_where(gate, check, window, scope)} "
            "ORDER BY m.created_at DESC, m.seq DESC LIMIT ? OFFSET ?)"
        )
        rows = self._rows(
            sql,
            [
                *hit_params,
                PROBE + 1,
                PROBE,
                *([] if exact else expr[1]),
                *params,
                limit,
                offset,
            ],
            translate=False,
        )
        if int(rows[0][1]) > PROBE:
            return None
        seqs = [int(r[0]) for r in rows[1:]]  # at most PROBE, in order
        page: list[tuple[Any, ...]] = []
        for chunk in iter_chunks(seqs, _CHUNK):
            marks = ", ".join("?" * len(chunk))
            page += self._page_rows(f"SELECT seq FROM mentions WHERE seq IN ({marks})", list(chunk))
        return self._mentions(page)

    def _page(self, inner: str, params: list[Any]) -> list[Mention]:
        """Full mentions for an inner query selecting ``seq`` in order (the compiled
        expression keeps its alias m there; the authors are joined for the page only)."""
        return self._mentions(self._page_rows(inner, params))

    def _page_rows(self, inner: str, params: list[Any]) -> list[tuple[Any, ...]]:
        return self._rows(
            f"SELECT {_SELECT} FROM ({inner}) hit JOIN mentions m ON m.seq = hit.seq "
            "LEFT JOIN authors a ON a.id = m.author_id ORDER BY m.created_at DESC, m.seq DESC",
            params,
            translate=False,
        )

    def count(
        self,
        query: str | Node | None = None,
        *,
        workspace_id: int | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
    ) -> int:
        """How many mentions match (all of them in the window when ``query`` is None);
        planned by :mod:`socialhub.store.counts`."""
        from socialhub.store import counts

        return counts.count(self, query, workspace_id=workspace_id, since=since, until=until)

    def mention_thread(self, mention_id: str, workspace_id: int) -> dict[str, list[Mention]]:
        """Replies to and quotes of a mention, among those routed to the workspace.

        Only the workspace's mentions: a reply collected for another workspace stays
        invisible here, like everywhere else.
        """
        out: dict[str, list[Mention]] = {}
        for relation, column in (("replies", "reply_to"), ("quotes", "quote_of")):
            inner = self._sql(
                f"SELECT m.seq FROM mentions m JOIN mention_workspaces mw "
                f"ON mw.mention_seq = m.seq AND mw.workspace_id = ? WHERE m.{column} = ? "
                "ORDER BY m.created_at DESC, m.seq DESC LIMIT ?"
            )
            found = self._page(inner, [workspace_id, clean(mention_id), THREAD_LIMIT])
            out[relation] = sorted(found, key=lambda m: m.created_at)
        return out

    def mention_workspace_ids(self, mention_id: str) -> set[int]:
        """The workspaces a stored mention is routed to (what may see it)."""
        rows = self._rows(
            "SELECT mw.workspace_id FROM mention_workspaces mw JOIN mentions m "
            "ON m.seq = mw.mention_seq WHERE m.id = ?",
            [clean(mention_id)],
        )
        return {int(r[0]) for r in rows}


def _parsed(query: str | Node | None) -> Node | None:
    if isinstance(query, str):
        from socialhub.query import parse

        return parse(query)
    return query


def _where(*conditions: str) -> str:
    used = [c for c in conditions if c]
    return (" WHERE " + " AND ".join(used)) if used else ""
