"""Dashboard reads shared by both stores: volume and sentiment per slot, top authors,
facet counts and the newest mentions of a workspace, none of them filtered by a query.

Time series are counted per 15-minute UTC *slot* in SQL (the same expression on an
integer millisecond column and on a ``timestamptz``); the web layer folds slots into
hours or days of the workspace's time zone. 15 minutes, because every time zone in use
is offset from UTC by a multiple of it, so a slot never straddles two local buckets.

At volume (issue 6: p95 <= 150 ms at 1M mentions; issue 8: 10M on PostgreSQL) these
read ``mention_workspaces`` alone, whose covering index holds copies of the mention
columns they need (migration 0013), and on PostgreSQL the per-slot rollups for whole
slots (:mod:`.rollups`, migration 0015). Answers equal counting the mentions.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from socialhub.records.stats import AuthorStat
from socialhub.store import rollups
from socialhub.store.convert import clean
from socialhub.store.reads import MentionReads
from socialhub.store.sqlbase import Repo, SqlDb

if TYPE_CHECKING:
    from socialhub.models import Mention
    from socialhub.query.ast import Node

SLOT_SECONDS = 900
SENTIMENT_NONE = "none"  # label of mentions without sentiment, in series and facets
FACET_FIELDS = {"platform": "m.platform", "lang": "m.lang", "sentiment": "m.sentiment_label"}
# The same columns as copied into mention_workspaces (migration 0013).
WS_FACETS = {"platform": "platform", "lang": "lang", "sentiment": "sentiment_label"}


class DashboardRepo(Repo):
    """Dashboard aggregates, and the explore page's filtered pages and facets (through
    the mention reads' search helpers)."""

    # Whether dashboard counts read whole slots from the rollups (migration 0015); the
    # row counts (``_raw_*``) stay for the window edges and as the reference in tests.
    _ROLLUPS = True

    def __init__(self, db: SqlDb, reads: MentionReads) -> None:
        super().__init__(db)
        self._reads = reads

    def _page(self, inner: str, params: list[Any]) -> list[Mention]:
        return self._reads._page(inner, params)

    def _compiled(
        self, query: str | Node | None, workspace_id: int | None
    ) -> tuple[str, list[Any]] | None:
        return self._reads._compiled(query, workspace_id)

    def _by_match(
        self,
        expr: tuple[str, list[Any]],
        workspace_id: int | None,
        since: datetime | None,
        until: datetime | None,
    ) -> tuple[str, list[Any]]:
        return self._reads._by_match(expr, workspace_id, since, until)

    # -- dashboard aggregates -----------------------------------------------------------

    def _slot(self, column: str) -> str:
        if self.db.url.startswith("sqlite"):  # integer milliseconds
            return f"({column} / {SLOT_SECONDS * 1000})"
        return f"CAST(floor(extract(epoch FROM {column}) / {SLOT_SECONDS}) AS BIGINT)"

    def query_volume_slots(
        self, workspace_id: int, since: datetime, until: datetime
    ) -> list[tuple[int, int, int]]:
        """``(query_id, slot, count)`` of the workspace's routed mentions in a window."""
        if self._ROLLUPS:
            return rollups.query_volume_slots(
                self._rows, self._raw_query_volume_slots, workspace_id, since, until
            )
        return self._raw_query_volume_slots(workspace_id, since, until)

    def _raw_query_volume_slots(
        self, workspace_id: int, since: datetime, until: datetime
    ) -> list[tuple[int, int, int]]:
        rows = self._rows(
            f"SELECT query_id, {self._slot('created_at')} AS slot, count(*) "
            "FROM mention_queries WHERE workspace_id = ? AND created_at >= ? "
            "AND created_at < ? GROUP BY query_id, slot",
            [workspace_id, self._ts(since), self._ts(until)],
        )
        return [(int(q), int(s), int(n)) for q, s, n in rows]

    def sentiment_slots(
        self, workspace_id: int, since: datetime, until: datetime
    ) -> list[tuple[str, int, int]]:
        """``(label, slot, count)``; mentions without sentiment get :data:`SENTIMENT_NONE`."""
        if self._ROLLUPS:
            return rollups.sentiment_slots(
                self._rows, self._raw_sentiment_slots, workspace_id, since, until
            )
        return self._raw_sentiment_slots(workspace_id, since, until)

    def _raw_sentiment_slots(
        self, workspace_id: int, since: datetime, until: datetime
    ) -> list[tuple[str, int, int]]:
        """Read from mention_workspaces alone (its covering index holds the label)."""
        rows = self._rows(
            f"SELECT coalesce(sentiment_label, '{SENTIMENT_NONE}') AS label, "
            f"{self._slot('created_at')} AS slot, count(*) FROM mention_workspaces "
            "WHERE workspace_id = ? AND created_at >= ? AND created_at < ? GROUP BY label, slot",
            [workspace_id, self._ts(since), self._ts(until)],
        )
        return [(str(label), int(s), int(n)) for label, s, n in rows]

    def top_authors(
        self, workspace_id: int, since: datetime, until: datetime, *, limit: int = 10
    ) -> list[AuthorStat]:
        """Authors with the most mentions in the window (ties: more engagement first).

        The whole UTC days of the window come from the author rollup in blocks of 7 days
        (migration 0021, :func:`rollups.week_blocks`), the partial days at its edges
        from mention_workspaces' covering index (author and engagement are copied there
        on write), or the whole day less the rows outside the window when that reads
        fewer rows (:func:`rollups.split_days`);
        only the ``limit`` winners join ``authors``."""
        if not self._ROLLUPS:
            return self._raw_top_authors(workspace_id, since, until, limit=limit)
        add, subtract, days = rollups.split_days(since, until)
        edges: list[str] = []
        params: list[Any] = []
        for sign, spans in (("", add), ("-", subtract)):
            for a, b in spans:
                edges.append(
                    f"SELECT author_id, {sign}count(*) AS n, {sign}sum(engagement) AS engagement "
                    "FROM mention_workspaces WHERE workspace_id = ? AND created_at >= ? "
                    "AND created_at < ? AND author_id IS NOT NULL GROUP BY author_id"
                )
                params += [workspace_id, self._ts(a), self._ts(b)]
        edge_sql = (
            "SELECT author_id, sum(n) AS n, CAST(sum(engagement) AS BIGINT) AS engagement "
            f"FROM ({' UNION ALL '.join(edges)}) x GROUP BY author_id"
        )
        if days is None:
            return self._authors(edge_sql, params, limit)
        blocks, block_params = rollups.week_blocks(workspace_id, *days)
        whole = (
            # bigint sums: PostgreSQL's sum(bigint) is a numeric, slower to add and sort
            "SELECT author_id, sum(n) AS n, CAST(sum(engagement) AS BIGINT) AS engagement "
            f"FROM ({blocks}) w GROUP BY author_id HAVING sum(n) > 0"
        )
        # Serial: on the block rows PostgreSQL picks parallel index-only scans whose
        # workers cost more than they save (145 vs 154-326 ms at 10M, load ~11).
        if not edges:
            return self._authors(whole, block_params, limit, serial=True)
        # The days and the edges each grouped, then joined: one UNION grouped as a whole
        # hid the number of authors from PostgreSQL's planner (a parallel sort, 2x slower).
        return self._authors(
            f"WITH r AS ({whole}), e AS ({edge_sql}) "
            "SELECT r.author_id, r.n + coalesce(e.n, 0) AS n, "
            "r.engagement + coalesce(e.engagement, 0) AS engagement "
            "FROM r LEFT JOIN e ON e.author_id = r.author_id "
            "WHERE r.n + coalesce(e.n, 0) > 0 UNION ALL "
            "SELECT author_id, n, engagement FROM e "
            "WHERE n > 0 AND NOT EXISTS (SELECT 1 FROM r WHERE r.author_id = e.author_id)",
            [*block_params, *params],
            limit,
            serial=True,
        )

    def _raw_top_authors(
        self, workspace_id: int, since: datetime, until: datetime, *, limit: int = 10
    ) -> list[AuthorStat]:
        """:meth:`top_authors` counted from the rows alone (the reference in tests)."""
        return self._authors(
            "SELECT author_id, count(*) AS n, sum(engagement) AS engagement "
            "FROM mention_workspaces WHERE workspace_id = ? AND created_at >= ? "
            "AND created_at < ? AND author_id IS NOT NULL GROUP BY author_id",
            [workspace_id, self._ts(since), self._ts(until)],
            limit,
        )

    def _authors(
        self, counts: str, params: list[Any], limit: int, *, serial: bool = False
    ) -> list[AuthorStat]:
        """The ``limit`` first of ``counts`` (author_id, n, engagement), with the authors."""
        rows = self._rows(
            "SELECT t.author_id, a.platform, a.handle, a.name, a.followers, a.verified, "
            f"t.n, t.engagement FROM ({counts} "
            "ORDER BY n DESC, engagement DESC, author_id LIMIT ?) t "
            "JOIN authors a ON a.id = t.author_id "
            "ORDER BY t.n DESC, t.engagement DESC, t.author_id",
            [*params, limit],
            serial=serial,
        )
        return [
            AuthorStat(aid, p, h, name, int(f), bool(v), int(n), int(e or 0))
            for aid, p, h, name, f, v, n, e in rows
        ]

    # -- no query: mention_workspaces alone answers -------------------------------------

    def _raw_facets(
        self,
        field: str,
        workspace_id: int,
        since: datetime | None,
        until: datetime | None,
        sentiment: str | None,
        limit: int | None = None,
    ) -> list[tuple[str, int]]:
        column = WS_FACETS[field]
        source, params = self._workspace_rows(workspace_id, since, until, sentiment)
        sql = f"SELECT coalesce({column}, '{SENTIMENT_NONE}') AS v, count(*) AS n {source} "
        sql += "GROUP BY v ORDER BY n DESC, v"
        if limit is not None:
            sql += self._sql(" LIMIT ?")
            params.append(limit)
        rows = self._rows(sql, params, translate=False)
        return [(str(v), int(n)) for v, n in rows]

    def _workspace_rows(
        self,
        workspace_id: int,
        since: datetime | None,
        until: datetime | None,
        sentiment: str | None,
    ) -> tuple[str, list[Any]]:
        """``FROM mention_workspaces WHERE ...``: one row per mention of the workspace in
        the window, with the dashboard columns copied from the mention (covering index)."""
        sql = "FROM mention_workspaces WHERE workspace_id = ?"
        params: list[Any] = [workspace_id]
        if since is not None:
            sql += " AND created_at >= ?"
            params.append(self._ts(since))
        if until is not None:
            sql += " AND created_at < ?"
            params.append(self._ts(until))
        if sentiment == SENTIMENT_NONE:
            sql += " AND sentiment_label IS NULL"
        elif sentiment is not None:
            sql += " AND sentiment_label = ?"
            params.append(sentiment)
        return self._sql(sql), params

    def _recent_page(
        self,
        workspace_id: int,
        since: datetime | None,
        until: datetime | None,
        sentiment: str | None,
        after: str | None,
        limit: int,
    ) -> tuple[list[Mention], str | None]:
        """:meth:`search_page` without a query: walk the workspace's time index."""
        source, params = self._workspace_rows(workspace_id, since, until, sentiment)
        if after is not None:
            source += self._sql(
                " AND (created_at, mention_seq) < "
                "(SELECT created_at, seq FROM mentions WHERE id = ?)"
            )
            params.append(clean(after))
        inner = (
            f"SELECT mention_seq AS seq {source} ORDER BY created_at DESC, mention_seq DESC"
            + self._sql(" LIMIT ?")
        )
        found = self._page(inner, [*params, limit + 1])
        if len(found) <= limit:
            return found, None
        return found[:limit], found[limit - 1].id

    def _filtered(
        self,
        query: str | Node | None,
        workspace_id: int,
        since: datetime | None,
        until: datetime | None,
        sentiment: str | None,
    ) -> tuple[str, list[Any]]:
        expr = self._compiled(query, workspace_id) or ("1 = 1", [])
        source, params = self._by_match(expr, workspace_id, since, until)
        if sentiment == SENTIMENT_NONE:
            source += " AND m.sentiment_label IS NULL"
        elif sentiment is not None:
            source += self._sql(" AND m.sentiment_label = ?")
            params.append(sentiment)
        return source, params

    def search_page(
        self,
        query: str | Node | None,
        *,
        workspace_id: int,
        since: datetime | None = None,
        until: datetime | None = None,
        sentiment: str | None = None,
        after: str | None = None,
        limit: int = 50,
    ) -> tuple[list[Mention], str | None]:
        """One page newest first, and the cursor of the next one (None on the last page).

        Keyset paging: the cursor is the id of the page's last mention, so pages stay
        stable while new mentions arrive (an offset would shift them).
        """
        if query is None:
            return self._recent_page(workspace_id, since, until, sentiment, after, limit)
        source, params = self._filtered(query, workspace_id, since, until, sentiment)
        if after is not None:
            source += self._sql(
                " AND (m.created_at, m.seq) < (SELECT created_at, seq FROM mentions WHERE id = ?)"
            )
            params.append(clean(after))
        inner = f"SELECT m.seq {source} ORDER BY m.created_at DESC, m.seq DESC" + self._sql(
            " LIMIT ?"
        )
        found = self._page(inner, [*params, limit + 1])
        if len(found) <= limit:
            return found, None
        return found[:limit], found[limit - 1].id

    def facet_counts(
        self,
        field: str,
        query: str | Node | None,
        *,
        workspace_id: int,
        since: datetime | None = None,
        until: datetime | None = None,
        sentiment: str | None = None,
        limit: int = 20,
    ) -> list[tuple[str, int]]:
        """``(value, count)`` of one field over the matching mentions, most frequent first."""
        if query is None and self._ROLLUPS:
            return rollups.facet_counts(
                self._rows, self._raw_facets, field, workspace_id, since, until, sentiment, limit
            )
        if query is None:
            return self._raw_facets(field, workspace_id, since, until, sentiment, limit)
        column = FACET_FIELDS[field]
        source, params = self._filtered(query, workspace_id, since, until, sentiment)
        rows = self._rows(
            f"SELECT coalesce({column}, '{SENTIMENT_NONE}') AS v, count(*) AS n {source} "
            "GROUP BY v ORDER BY n DESC, v" + self._sql(" LIMIT ?"),
            [*params, limit],
            translate=False,
        )
        return [(str(v), int(n)) for v, n in rows]
