"""How many mentions: the plans behind ``store.mentions.count`` (issue 21, item 5).

A count must not cost what the query's full-text hits over all time and workspaces
cost (a frequent term at 1M mentions: 150 ms on SQLite), so it is planned from what is
cheapest to read:

* no query, one workspace: the dashboard rollup ``rollup_workspaces`` (migration 0015)
  for the whole 15-minute slots of the window, the workspace's time index for the
  partial slots at its edges (:func:`socialhub.store.rollups.split`);
* a stored query (:func:`routed`, the mentions routed to it): ``rollup_queries`` for the
  whole slots, its (query, time) index for the edges;
* any query in one workspace from a start time, on SQLite: FTS5 walks only the rowids
  (= ``seq``) between the smallest and the largest of the workspace's mentions in the
  window (read from its time index), so a week of a 60-day store reads about a ninth of
  a frequent term's hits; the rows outside the workspace or the window are still
  filtered out, so the answer is unchanged (without a start, the window's seq range is
  most of the table and costs more to find than it saves);
* any query in one workspace, on PostgreSQL: the month partitions outside the window
  are pruned, then the planner walks the window's time index or the full-text index
  (GIN) of the others (a frequent term in a week still reads every mention of the
  week: see bench/RESULTS.md, issue 21 items 5 and 7);
* anything else: the full-text index drives, filtered by the workspace and the window
  (:func:`scan_count`, the plan every count used before, kept as the reference).

Every plan returns what counting the matching rows returns (tests check them against
:func:`scan_count` on random queries and windows, on both stores).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol

from socialhub.store import rollups

if TYPE_CHECKING:
    from socialhub.query.ast import Node
    from socialhub.store.sqlbase import SqlDb

_Sql = tuple[str, list[Any]]


class MentionReads(Protocol):
    """What the plans use of :class:`socialhub.store.reads.MentionReads` (which calls
    this module: a protocol, not an import, so the two do not import each other)."""

    db: SqlDb

    def _rows(
        self, sql: str, params: Sequence[Any] = (), *, translate: bool = True
    ) -> list[tuple[Any, ...]]: ...

    def _sql(self, sql: str) -> str: ...

    def _compiled(self, query: str | Node | None, workspace_id: int | None) -> _Sql | None: ...

    def _window(self, column: str, since: datetime | None, until: datetime | None) -> _Sql: ...

    def _by_time(
        self, workspace_id: int | None, since: datetime | None, until: datetime | None
    ) -> _Sql: ...

    def _by_match(
        self, expr: _Sql, workspace_id: int | None, since: datetime | None, until: datetime | None
    ) -> _Sql: ...


# The FTS5 subquery of socialhub.query.sql.compile_sqlite, and the same bounded to the
# seq range of the workspace's window (no placeholder added: parameters keep their order).
_FTS = "SELECT rowid FROM mentions_fts WHERE mentions_fts MATCH ?"
_FTS_SPAN = f"{_FTS} AND rowid >= (SELECT lo FROM span) AND rowid <= (SELECT hi FROM span)"


def count(
    reads: MentionReads,
    query: str | Node | None,
    *,
    workspace_id: int | None,
    since: datetime | None,
    until: datetime | None,
) -> int:
    """How many mentions match ``query`` (all when None) in the workspace and window."""
    expr = reads._compiled(query, workspace_id)
    if expr is None:
        if workspace_id is None:
            return scan_count(reads, None, None, since, until)
        return _workspace_total(reads, workspace_id, since, until)
    sqlite = reads.db.url.startswith("sqlite")
    if workspace_id is not None and since is not None and sqlite and _FTS in expr[0]:
        return _sqlite_span(reads, expr, workspace_id, since, until)
    return _scalar(reads, *_matching(reads, expr, workspace_id, since, until))


def scan_count(
    reads: MentionReads,
    query: str | Node | None,
    workspace_id: int | None,
    since: datetime | None,
    until: datetime | None,
) -> int:
    """The count by scanning: the time index without a query, else every full-text hit
    filtered by the workspace and the window (the reference the other plans equal)."""
    expr = reads._compiled(query, workspace_id)
    if expr is None:
        scope, params = reads._by_time(workspace_id, since, until)
        return _scalar(reads, f"SELECT count(*) FROM ({scope}) recent", params)
    return _scalar(reads, *_matching(reads, expr, workspace_id, since, until))


def routed(
    reads: MentionReads,
    query_id: int,
    *,
    since: datetime | None = None,
    until: datetime | None = None,
) -> int:
    """How many mentions are routed to a stored query in ``[since, until)``: whole
    15-minute slots from ``rollup_queries``, the edges from ``mention_queries``."""
    edges, span = rollups.split(since, until)
    total = sum(scan_routed(reads, query_id, a, b) for a, b in edges)
    if span is not None:
        where, params = rollups.slot_clause(span)
        total += _scalar(
            reads,
            reads._sql(
                "SELECT coalesce(sum(n), 0) FROM rollup_queries WHERE workspace_id = "
                f"(SELECT workspace_id FROM queries WHERE id = ?) AND query_id = ?{where}"
            ),
            [query_id, query_id, *params],
        )
    return total


def scan_routed(
    reads: MentionReads, query_id: int, since: datetime | None, until: datetime | None
) -> int:
    """:func:`routed` counted from the route rows (the reference, and the edges)."""
    window, params = reads._window("created_at", since, until)
    sql = reads._sql("SELECT count(*) FROM mention_queries WHERE query_id = ?")
    return _scalar(reads, sql + (f" AND {window}" if window else ""), [query_id, *params])


# -- plans -----------------------------------------------------------------------------


def _scalar(reads: MentionReads, sql: str, params: list[Any]) -> int:
    return int(reads._rows(sql, params, translate=False)[0][0] or 0)


def _matching(
    reads: MentionReads,
    expr: tuple[str, list[Any]],
    workspace_id: int | None,
    since: datetime | None,
    until: datetime | None,
) -> tuple[str, list[Any]]:
    source, params = reads._by_match(expr, workspace_id, since, until)
    return f"SELECT count(*) {source}", params


def _workspace_total(
    reads: MentionReads, workspace_id: int, since: datetime | None, until: datetime | None
) -> int:
    edges, span = rollups.split(since, until)
    total = 0
    for a, b in edges:
        scope, params = reads._by_time(workspace_id, a, b)
        total += _scalar(reads, f"SELECT count(*) FROM ({scope}) recent", params)
    if span is not None:
        where, params = rollups.slot_clause(span)
        total += _scalar(
            reads,
            reads._sql(
                f"SELECT coalesce(sum(n), 0) FROM rollup_workspaces WHERE workspace_id = ?{where}"
            ),
            [workspace_id, *params],
        )
    return total


def _sqlite_span(
    reads: MentionReads,
    expr: tuple[str, list[Any]],
    workspace_id: int,
    since: datetime | None,
    until: datetime | None,
) -> int:
    """SQLite: the full-text hits between the first and the last seq of the workspace's
    window only (a superset of the candidates: the filters that follow are unchanged)."""
    window, window_params = reads._window("created_at", since, until)
    span = (
        "WITH span AS (SELECT min(mention_seq) AS lo, max(mention_seq) AS hi "
        "FROM mention_workspaces WHERE workspace_id = ?"
        + (f" AND {window}" if window else "")
        + ") "
    )
    bounded = (expr[0].replace(_FTS, _FTS_SPAN), expr[1])
    sql, params = _matching(reads, bounded, workspace_id, since, until)
    return _scalar(reads, span + sql, [workspace_id, *window_params, *params])
