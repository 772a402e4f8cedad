"""Dashboard counts from the rollups (migration 0015), exact to the row.

``rollup_queries`` and ``rollup_workspaces`` hold counts per 15-minute UTC slot,
maintained in the transaction that writes the rows (by :meth:`PostgresStore.add` on
PostgreSQL, by triggers on SQLite). A
window ``[since, until)`` is cut into the whole slots it contains, read from the
rollups (a few thousand rows for a week, whatever the volume), and the partial slots
at its two edges, counted from the rows by the same SQL SQLite runs on its whole
window. The parts cover disjoint slots, so series simply concatenate and facet counts
add up: the answers equal counting every row.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from socialhub.store.convert import from_ms, to_ms

# The caller's reader and its row counts for the window edges are passed in, so this
# module needs nothing of the store class that uses it.
Rows = Callable[[str, Sequence[Any]], list[tuple[Any, ...]]]

SLOT_MS = 900 * 1000  # dashboard.SLOT_SECONDS, in milliseconds
_NONE = "none"  # dashboard.SENTIMENT_NONE
_LABEL = f"CASE WHEN sentiment = '' THEN '{_NONE}' ELSE sentiment END"
_COLUMNS = {"platform": "platform", "lang": "lang", "sentiment": _LABEL}

Edge = tuple[datetime | None, datetime | None]
Span = tuple[int | None, int | None]


def split(since: datetime | None, until: datetime | None) -> tuple[list[Edge], Span | None]:
    """The edges to count from rows, and the slots ``[lo, hi)`` to read from rollups
    (None bounds: unbounded; None span: the window holds no whole slot)."""
    lo = None if since is None else -(-to_ms(since) // SLOT_MS)  # first whole slot
    hi = None if until is None else to_ms(until) // SLOT_MS  # end of the last one
    if lo is not None and hi is not None and lo >= hi:
        return [(since, until)], None
    edges: list[Edge] = []
    if since is not None and lo is not None and lo * SLOT_MS > to_ms(since):
        edges.append((since, from_ms(lo * SLOT_MS)))
    if until is not None and hi is not None and hi * SLOT_MS < to_ms(until):
        edges.append((from_ms(hi * SLOT_MS), until))
    return edges, (lo, hi)


DAY_MS = 86_400 * 1000  # rollup_author_days.day, in milliseconds


def split_days(
    since: datetime, until: datetime
) -> tuple[
    list[tuple[datetime, datetime]], list[tuple[datetime, datetime]], tuple[int, int] | None
]:
    """How to count ``[since, until)`` by author: ``(add, subtract, days)`` — the rows
    of the ``add`` spans plus the whole UTC days ``[lo, hi)`` (days since the epoch) of
    ``rollup_author_days`` minus the rows of the ``subtract`` spans.

    A partial day at an edge is counted from its rows when it holds at most half of the
    day, else as the whole day from the rollup minus the rows outside the window: no
    more than half a day of rows per edge is read."""
    start, end = to_ms(since), to_ms(until)
    lo, hi = -(-start // DAY_MS), end // DAY_MS  # the whole days inside
    if lo >= hi:
        return [(since, until)], [], None
    add: list[tuple[datetime, datetime]] = []
    sub: list[tuple[datetime, datetime]] = []
    if start < lo * DAY_MS:
        if lo * DAY_MS - start > DAY_MS // 2:
            lo -= 1
            sub.append((from_ms(lo * DAY_MS), since))
        else:
            add.append((since, from_ms(lo * DAY_MS)))
    if end > hi * DAY_MS:
        if end - hi * DAY_MS > DAY_MS // 2:
            hi += 1
            sub.append((until, from_ms(hi * DAY_MS)))
        else:
            add.append((from_ms(hi * DAY_MS), until))
    return add, sub, (lo, hi)


def week_blocks(workspace_id: int, lo: int, hi: int) -> tuple[str, list[Any]]:
    """``SELECT author_id, n, engagement`` rows of the whole days ``[lo, hi)`` read from
    ``rollup_author_weeks`` (0021: blocks ``week = day // 7`` with one column per
    ``day % 7``), with their parameters: a partial block sums the columns of its days,
    the blocks inside are read whole, so a 7-day window reads at most 2 rows an author.
    Block numbers are written as literals (integers computed here): the planner then
    sizes each block from its statistics instead of a generic plan's guess."""
    parts: list[str] = []
    params: list[Any] = []

    def block(days: range, where: str) -> None:
        n = " + ".join(f"n{int(d)}" for d in days)
        e = " + ".join(f"e{int(d)}" for d in days)
        parts.append(
            f"SELECT author_id, {n} AS n, {e} AS engagement FROM rollup_author_weeks "
            f"WHERE workspace_id = ? AND {where}"
        )
        params.append(workspace_id)

    first, last = lo // 7, (hi - 1) // 7
    if first == last:
        block(range(lo % 7, (hi - 1) % 7 + 1), f"week = {int(first)}")
        return " UNION ALL ".join(parts), params
    inner_lo, inner_hi = first, last + 1  # the blocks read whole
    if lo % 7:
        block(range(lo % 7, 7), f"week = {int(first)}")
        inner_lo += 1
    if hi % 7:
        block(range(0, hi % 7), f"week = {int(last)}")
        inner_hi -= 1
    if inner_lo < inner_hi:
        block(range(7), f"week >= {int(inner_lo)} AND week < {int(inner_hi)}")
    return " UNION ALL ".join(parts), params


def slot_clause(span: Span) -> tuple[str, list[Any]]:
    """`` AND slot >= ? AND slot < ?`` for the bounds a span has, with its parameters."""
    sql, params = "", []
    if span[0] is not None:
        sql += " AND slot >= ?"
        params.append(span[0])
    if span[1] is not None:
        sql += " AND slot < ?"
        params.append(span[1])
    return sql, params


def query_volume_slots(
    rows_of: Rows,
    raw: Callable[[int, datetime, datetime], list[tuple[int, int, int]]],
    workspace_id: int,
    since: datetime,
    until: datetime,
) -> list[tuple[int, int, int]]:
    edges, span = split(since, until)
    out: list[tuple[int, int, int]] = []
    for a, b in edges:
        assert a is not None and b is not None
        out += raw(workspace_id, a, b)
    if span is not None:
        where, params = slot_clause(span)
        rows = rows_of(
            f"SELECT query_id, slot, n FROM rollup_queries WHERE workspace_id = ?{where} AND n > 0",
            [workspace_id, *params],
        )
        out += [(int(q), int(s), int(n)) for q, s, n in rows]
    return out


def sentiment_slots(
    rows_of: Rows,
    raw: Callable[[int, datetime, datetime], list[tuple[str, int, int]]],
    workspace_id: int,
    since: datetime,
    until: datetime,
) -> list[tuple[str, int, int]]:
    edges, span = split(since, until)
    out: list[tuple[str, int, int]] = []
    for a, b in edges:
        assert a is not None and b is not None
        out += raw(workspace_id, a, b)
    if span is not None:
        where, params = slot_clause(span)
        rows = rows_of(
            f"SELECT {_LABEL} AS label, slot, sum(n) FROM rollup_workspaces "
            f"WHERE workspace_id = ?{where} GROUP BY label, slot HAVING sum(n) > 0",
            [workspace_id, *params],
        )
        out += [(str(label), int(s), int(n)) for label, s, n in rows]
    return out


def facet_counts(
    rows_of: Rows,
    raw: Callable[
        [str, int, datetime | None, datetime | None, str | None], Sequence[tuple[str, int]]
    ],
    field: str,
    workspace_id: int,
    since: datetime | None,
    until: datetime | None,
    sentiment: str | None,
    limit: int,
) -> list[tuple[str, int]]:
    """Facet counts of the workspace's mentions in a window (no query), most frequent
    first then by value, like the SQL ``ORDER BY n DESC, v``."""
    edges, span = split(since, until)
    counts: Counter[str] = Counter()
    for a, b in edges:
        counts.update(dict(raw(field, workspace_id, a, b, sentiment)))
    if span is not None:
        where, params = slot_clause(span)
        if sentiment is not None:
            where += " AND sentiment = ?"
            params.append("" if sentiment == _NONE else sentiment)
        rows = rows_of(
            f"SELECT {_COLUMNS[field]} AS v, sum(n) FROM rollup_workspaces "
            f"WHERE workspace_id = ?{where} GROUP BY v",
            [workspace_id, *params],
        )
        counts.update({str(v): int(n) for v, n in rows})
    ranked = sorted(((v, n) for v, n in counts.items() if n > 0), key=lambda p: (-p[1], p[0]))
    return ranked[:limit]
