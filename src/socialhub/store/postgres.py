"""PostgreSQL store: the scale-out back end (psycopg 3, tsvector search, COPY writes).

Writes go through one writer connection per store (guarded by a lock, like SQLite's);
several processes may write at once, which ``INSERT ... ON CONFLICT`` makes safe. Bulk
writes COPY the batch into temporary staging tables, then move it with one
``INSERT ... SELECT ... ON CONFLICT`` per table: far fewer round trips than row by row.
Reads use a small connection pool. Sessions run in UTC.

Connections recover (issue 23): a writer connection found closed or broken (server
restart, ``pg_terminate_backend``, network cut) is reopened on its next use, and a read
on a pooled connection that broke is retried once on a fresh one. A write waiting on a
lock for ``WRITE_LOCK_TIMEOUT`` fails with ``LockNotAvailable`` instead of hanging, so
a consumer sees the store as away (:mod:`socialhub.store.availability`) and pauses.

Full-text search uses the ``search`` tsvector column, built in Python from our own
tokens (``socialhub.text.pg_tsvector(index_tokens(text))``) and sent as tsvector text:
PostgreSQL's parser and dictionaries are never involved, so answers equal SQLite's.
"""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any

import psycopg
from psycopg_pool import ConnectionPool

from socialhub.models import Mention, as_utc
from socialhub.store import migrations
from socialhub.store.base import AddResult
from socialhub.store.common import (
    AUTHOR_COLUMNS,
    MENTION_COLUMNS,
    MENTION_UPDATE_COLUMNS,
    AuthorCache,
    RouteCache,
    author_values,
    mention_values,
    merge_batch,
    route_rows,
    search_tokens,
    unique_authors,
)
from socialhub.store.composed import SqlStore
from socialhub.store.convert import clean, to_utc_ms, utc_ms_now
from socialhub.store.reads import MentionReads
from socialhub.store.sqlbase import Cursor, SqlDb
from socialhub.text import pg_tsvector

if TYPE_CHECKING:
    from socialhub.query.ast import Node

_MIGRATION_LOCK = 0x50C1A1  # pg_advisory_xact_lock key: one migrating process at a time

_MENTION_COLS = ", ".join(MENTION_COLUMNS)
_AUTHOR_COLS = ", ".join(AUTHOR_COLUMNS)
_ROUTE_COLS = "query_id, mention_seq, workspace_id, created_at, relevance"
_WS_COLS = (
    "workspace_id, mention_seq, created_at, author_id, platform, lang, sentiment_label, engagement"
)

# Staging tables take their column types from the real ones (no constraints, no
# defaults) and empty themselves at commit.
_STAGING = (
    "CREATE TEMP TABLE IF NOT EXISTS stage_authors ON COMMIT DELETE ROWS AS "
    f"SELECT {_AUTHOR_COLS} FROM authors WITH NO DATA",
    "CREATE TEMP TABLE IF NOT EXISTS stage_mentions ON COMMIT DELETE ROWS AS "
    f"SELECT {_MENTION_COLS}, search FROM mentions WITH NO DATA",
    # Known mentions are refreshed by id lookups (_REFRESH).
    "CREATE INDEX IF NOT EXISTS stage_mentions_id ON stage_mentions (id)",
    "CREATE TEMP TABLE IF NOT EXISTS stage_routes ON COMMIT DELETE ROWS AS "
    f"SELECT {_ROUTE_COLS} FROM mention_queries WITH NO DATA",
    "CREATE TEMP TABLE IF NOT EXISTS stage_workspaces ON COMMIT DELETE ROWS AS "
    f"SELECT {_WS_COLS} FROM mention_workspaces WITH NO DATA",
    # +1/-1 per workspace row for rollup_workspaces, applied once at the end.
    "CREATE TEMP TABLE IF NOT EXISTS stage_rollup ON COMMIT DELETE ROWS AS "
    "SELECT workspace_id, slot, platform, lang, sentiment, n FROM rollup_workspaces WITH NO DATA",
    # The same for rollup_author_days (migration 0020): mentions and engagement to add.
    "CREATE TEMP TABLE IF NOT EXISTS stage_author_days ON COMMIT DELETE ROWS AS "
    "SELECT workspace_id, day, author_id, n, engagement FROM rollup_author_days WITH NO DATA",
)
_SLOT = "CAST(floor(extract(epoch FROM {}) / 900) AS BIGINT)"  # web.SLOT_SECONDS
# Rows are moved in key order so concurrent writers lock them in the same order.
_MOVE_AUTHORS = (
    f"INSERT INTO authors ({_AUTHOR_COLS}) SELECT {_AUTHOR_COLS} FROM stage_authors "
    "ORDER BY id ON CONFLICT (id) DO UPDATE SET "
    + ", ".join(f"{c} = EXCLUDED.{c}" for c in AUTHOR_COLUMNS[1:])
)
# A mention is claimed in the unpartitioned ``mention_keys`` first (the only place
# where id and (platform, native_id) can be unique), in key order so concurrent
# writers lock in the same order; ON CONFLICT DO UPDATE (not NOTHING) so an existing
# key row is locked too and two writers refreshing one mention take turns. xmax is 0
# only on a row version this statement inserted. Then, in the same statement, fresh
# mentions are inserted into their month's partition and known ones refreshed (with
# their workspace rows' dashboard columns); created_at never changes, so the key
# row's created_at finds the partition.
_MOVE_MENTIONS = (
    "WITH keys AS (INSERT INTO mention_keys (platform, native_id, id, seq, created_at) "
    "SELECT platform, native_id, id, nextval('mentions_seq_seq'), created_at "
    "FROM stage_mentions ORDER BY platform, native_id "
    "ON CONFLICT (platform, native_id) DO UPDATE SET platform = EXCLUDED.platform "
    "RETURNING id, seq, created_at, (xmax = 0) AS fresh), "
    f"inserted AS (INSERT INTO mentions (seq, {_MENTION_COLS}, search) "
    f"SELECT k.seq, {', '.join(f's.{c}' for c in MENTION_COLUMNS)}, s.search "
    "FROM stage_mentions s JOIN keys k ON k.id = s.id WHERE k.fresh) "
    "SELECT id, seq, created_at, fresh FROM keys"
)
# Mentions seen before (a separate statement, run only when there are some, with their
# keys as arrays: planned inside the statement above, the planner could not know how
# few they are and chose to sort the whole mentions table for a merge join). The keys
# give each row's partition; every statement of a WITH sees the rows as they were
# before it, so `moved` still reads the old sentiment and moves one count between
# labels in the rollup.
_REFRESH = (
    "WITH k AS (SELECT * FROM unnest(%s::text[], %s::bigint[], %s::timestamptz[]) "
    "AS k(id, seq, created_at)), "
    "refreshed AS (UPDATE mentions m SET "
    + ", ".join(f"{c} = s.{c}" for c in MENTION_UPDATE_COLUMNS)
    + " FROM k JOIN stage_mentions s ON s.id = k.id "
    "WHERE m.seq = k.seq AND m.created_at = k.created_at), "
    "refreshed_ws AS (UPDATE mention_workspaces mw SET sentiment_label = s.sentiment_label, "
    "engagement = s.likes + s.reposts + s.replies + s.quotes "
    "FROM k JOIN stage_mentions s ON s.id = k.id WHERE mw.mention_seq = k.seq), "
    # the engagement each workspace row gains, for the per-day author rollup (0020)
    "author_engagement AS (INSERT INTO stage_author_days "
    "(workspace_id, day, author_id, n, engagement) "
    "SELECT mw.workspace_id, CAST(floor(extract(epoch FROM mw.created_at) / 86400) AS INTEGER), "
    "mw.author_id, 0, s.likes + s.reposts + s.replies + s.quotes - mw.engagement "
    "FROM k JOIN mention_workspaces mw ON mw.mention_seq = k.seq "
    "JOIN stage_mentions s ON s.id = k.id WHERE mw.author_id IS NOT NULL "
    "AND mw.engagement <> s.likes + s.reposts + s.replies + s.quotes) "
    "INSERT INTO stage_rollup (workspace_id, slot, platform, lang, sentiment, n) "
    f"SELECT mw.workspace_id, {_SLOT.format('mw.created_at')}, mw.platform, mw.lang, "
    "coalesce(d.label, ''), d.n FROM k JOIN mention_workspaces mw ON mw.mention_seq = k.seq "
    "JOIN stage_mentions s ON s.id = k.id "
    "CROSS JOIN LATERAL (VALUES (mw.sentiment_label, -1), (s.sentiment_label, 1)) d(label, n) "
    "WHERE mw.sentiment_label IS DISTINCT FROM s.sentiment_label"
)
# New routes (xmax = 0) add to rollup_queries; rollup rows are upserted in key order.
_MOVE_ROUTES = (
    f"WITH routed AS (INSERT INTO mention_queries ({_ROUTE_COLS}) "
    f"SELECT {_ROUTE_COLS} FROM stage_routes "
    "ORDER BY query_id, mention_seq ON CONFLICT (query_id, mention_seq) DO UPDATE SET "
    "relevance = coalesce(EXCLUDED.relevance, mention_queries.relevance) "
    "RETURNING workspace_id, query_id, created_at, (xmax = 0) AS fresh) "
    "INSERT INTO rollup_queries (workspace_id, slot, query_id, n) "
    f"SELECT workspace_id, {_SLOT.format('created_at')} AS slot, query_id, count(*) "
    "FROM routed WHERE fresh GROUP BY 1, 2, 3 ORDER BY 1, 2, 3 "
    "ON CONFLICT (workspace_id, slot, query_id) DO UPDATE SET n = rollup_queries.n + EXCLUDED.n"
)
_DAY = "CAST(floor(extract(epoch FROM {}) / 86400) AS INTEGER)"  # rollup_author_days.day
# New workspace rows also add to the per-day author rollup (migration 0020).
_MOVE_WORKSPACES = (
    f"WITH added AS (INSERT INTO mention_workspaces ({_WS_COLS}) "
    f"SELECT {_WS_COLS} FROM stage_workspaces "
    "ORDER BY workspace_id, mention_seq ON CONFLICT DO NOTHING "
    "RETURNING workspace_id, created_at, platform, lang, sentiment_label, author_id, engagement), "
    "by_author AS (INSERT INTO stage_author_days (workspace_id, day, author_id, n, engagement) "
    f"SELECT workspace_id, {_DAY.format('created_at')}, author_id, 1, engagement "
    "FROM added WHERE author_id IS NOT NULL) "
    "INSERT INTO stage_rollup (workspace_id, slot, platform, lang, sentiment, n) "
    f"SELECT workspace_id, {_SLOT.format('created_at')}, platform, lang, "
    "coalesce(sentiment_label, ''), 1 FROM added"
)
_MOVE_ROLLUP = (
    "INSERT INTO rollup_workspaces (workspace_id, slot, platform, lang, sentiment, n) "
    "SELECT workspace_id, slot, platform, lang, sentiment, sum(n) FROM stage_rollup "
    "GROUP BY 1, 2, 3, 4, 5 HAVING sum(n) <> 0 ORDER BY 1, 2, 3, 4, 5 "
    "ON CONFLICT (workspace_id, slot, platform, lang, sentiment) "
    "DO UPDATE SET n = rollup_workspaces.n + EXCLUDED.n"
)
# Both staged rollups are applied once, at the end, in key order: concurrent writers
# lock their rows in the same order.
_MOVE_AUTHOR_DAYS = (
    "INSERT INTO rollup_author_days (workspace_id, day, author_id, n, engagement) "
    "SELECT workspace_id, day, author_id, sum(n), sum(engagement) FROM stage_author_days "
    "GROUP BY 1, 2, 3 ORDER BY 1, 2, 3 ON CONFLICT (workspace_id, day, author_id) DO UPDATE "
    "SET n = rollup_author_days.n + EXCLUDED.n, "
    "engagement = rollup_author_days.engagement + EXCLUDED.engagement"
)
# Positions in mention_values() of what mention_workspaces repeats for the dashboard.
_DIM_POS = tuple(
    MENTION_COLUMNS.index(c) for c in ("author_id", "platform", "lang", "sentiment_label")
)
_ENGAGEMENT_POS = tuple(MENTION_COLUMNS.index(c) for c in ("likes", "reposts", "replies", "quotes"))
# Months given their own partition on write; mentions dated elsewhere (bad clocks,
# far backfills) go to the default partition rather than creating one each.
_FIRST_PARTITION = date(2000, 1, 1)
_MONTHS_AHEAD = 2


#: A write blocked this long on a lock fails (and is retried by its consumer) instead of
#: hanging past the bus's ack_wait (``SOCIALHUB_PG_LOCK_TIMEOUT``, a PostgreSQL interval).
WRITE_LOCK_TIMEOUT = os.environ.get("SOCIALHUB_PG_LOCK_TIMEOUT", "20s")
#: Seconds to wait when (re)opening a connection.
CONNECT_TIMEOUT = 5


def _configure(conn: psycopg.Connection[Any]) -> None:
    conn.execute("SET TIME ZONE 'UTC'")
    # JIT compiles any plan costed above jit_above_cost: 50-150 ms spent before the
    # first row of a dashboard aggregate that runs in 20 ms. Our queries are short.
    conn.execute("SET jit = off")
    # Top authors hashes one group per author in the window (50,000 at 10M mentions:
    # 14 MB); at the default 4 MB the planner sorts or spills instead (2x slower).
    conn.execute("SET work_mem = '32MB'")


class PostgresStore(SqlStore):
    """The Store protocol on a PostgreSQL database. Thread-safe; migrates only on demand."""

    def __init__(self, url: str, *, max_readers: int = 8) -> None:
        db = PostgresDb(url, max_readers=max_readers)
        self.mentions: PostgresMentions = PostgresMentions(db)
        super().__init__(db, self.mentions)
        self.db: PostgresDb = db


class PostgresDb(SqlDb):
    """The connections of one database: one writer, a small pool of readers."""

    def __init__(self, url: str, *, max_readers: int = 8) -> None:
        self.url = url
        self.routes = RouteCache()
        self.authors = AuthorCache()
        self._lock = threading.Lock()
        self._closed = False
        self.reconnects = 0  # writer connections reopened after a loss
        self._writer = self._open_writer()
        self.staged = False  # the writer's temporary staging tables exist
        self._pool = ConnectionPool(
            url,
            min_size=1,
            max_size=max_readers,
            kwargs={"autocommit": True, "connect_timeout": CONNECT_TIMEOUT},
            configure=_configure,
            open=True,
            name="socialhub-readers",
            timeout=10.0,  # a read waits this long for a connection while the server is away
        )

    def _open_writer(self) -> psycopg.Connection[Any]:
        conn = psycopg.connect(self.url, autocommit=True, connect_timeout=CONNECT_TIMEOUT)
        try:
            _configure(conn)
            conn.execute("SELECT set_config('lock_timeout', %s, false)", (WRITE_LOCK_TIMEOUT,))
        except BaseException:
            conn.close()
            raise
        return conn

    def _connected(self) -> psycopg.Connection[Any]:
        """The writer connection, reopened first if it was lost (caller holds the lock).
        A failed reopen raises ``OperationalError``: the store is away, try later."""
        if self._writer.closed or self._writer.broken:
            if self._closed:
                raise psycopg.InterfaceError("the store is closed")
            self._writer = self._open_writer()
            self.staged = False  # temporary staging tables died with the old session
            self.reconnects += 1
        return self._writer

    def close(self) -> None:
        self._closed = True
        self._pool.close()
        with self._lock:
            self._writer.close()

    @contextmanager
    def _tx(self) -> Iterator[Cursor]:
        with self._lock:
            conn = self._connected()
            with conn.transaction(), conn.cursor() as cur:
                yield cur

    def _rows(
        self, sql: str, params: Sequence[Any] = (), *, translate: bool = True, serial: bool = False
    ) -> list[tuple[Any, ...]]:
        query = self._sql(sql) if translate else sql
        for attempt in (1, 2):
            try:
                with self._pool.connection() as conn:
                    if not serial:
                        return conn.execute(query, tuple(params)).fetchall()
                    with conn.transaction():  # SET LOCAL: this statement only
                        conn.execute("SET LOCAL max_parallel_workers_per_gather = 0")
                        return conn.execute(query, tuple(params)).fetchall()
            except psycopg.OperationalError as exc:
                # a pooled connection that died while idle (its siblings most likely
                # too): the pool drops it, checks the idle ones, and a read is safe
                # to run again once, on a fresh connection
                if attempt == 2 or not _lost(exc):
                    raise
                self._pool.check()
        raise AssertionError("unreachable")

    def _sql(self, sql: str) -> str:
        return sql.replace("?", "%s")

    def _ts(self, value: datetime) -> datetime:
        return to_utc_ms(value)

    def _dt(self, value: Any) -> datetime:
        return as_utc(value)

    def _now(self) -> datetime:
        return utc_ms_now()

    def _compile(self, node: Node, workspace_id: int | None) -> tuple[str, list[object]]:
        from socialhub.query.sql import compile_postgres

        return compile_postgres(node, workspace_id=workspace_id)

    # -- migrations ---------------------------------------------------------------

    def applied_migrations(self) -> list[str]:
        rows = self._rows("SELECT to_regclass('schema_migrations') IS NOT NULL")
        if not rows[0][0]:
            return []
        return [r[0] for r in self._rows("SELECT name FROM schema_migrations ORDER BY name")]

    def migrate(self) -> list[str]:
        """Apply pending migrations, each with its record in one transaction, under an
        advisory lock so concurrent processes do not apply one twice."""
        applied_now: list[str] = []
        for migration in migrations.available("postgres"):
            with self._tx() as cur:
                cur.execute("SELECT pg_advisory_xact_lock(%s)", (_MIGRATION_LOCK,))
                cur.execute(migrations.SCHEMA_TABLE["postgres"])
                cur.execute("SELECT 1 FROM schema_migrations WHERE name = %s", (migration.name,))
                if cur.fetchone():
                    continue
                cur.execute(migration.sql)  # several statements: sent without parameters
                cur.execute(
                    "INSERT INTO schema_migrations (name, applied_at) VALUES (%s, %s)",
                    (migration.name, self._now()),
                )
            applied_now.append(migration.name)
        return applied_now


class PostgresMentions(MentionReads):
    """Mentions on PostgreSQL: the shared reads, the COPY bulk write and the month
    partitions of ``mentions``."""

    db: PostgresDb

    def __init__(self, db: PostgresDb) -> None:
        super().__init__(db)
        self._months: set[date] = set()  # month partitions known to exist

    def add(self, batch: Sequence[Mention]) -> AddResult:
        """COPY the batch into staging tables, then upsert authors, mentions and routes.

        See :mod:`socialhub.store.common` for what a re-collection may change (the first
        capture's evidence is kept). Month partitions the batch needs are created first,
        in their own short transaction.
        """
        unique, repeats = merge_batch(batch)
        if not unique:
            return AddResult(0, repeats)
        self.ensure_partitions({_month(to_utc_ms(m.created_at)) for m in unique})
        now = self._now()
        author_rows = self.db.authors.changed(
            [author_values(a, to_utc_ms, now) for a in unique_authors(unique)]
        )
        dims: dict[str, tuple[Any, ...]] = {}

        # A generator: rows are built while COPY streams the previous ones, so the
        # server parses and stores them while Python formats the rest.
        def mention_rows() -> Iterator[tuple[Any, ...]]:
            for m in unique:
                values = mention_values(m, to_utc_ms, now)
                dims[values[0]] = (
                    *(values[i] for i in _DIM_POS),
                    sum(values[i] for i in _ENGAGEMENT_POS),
                )
                yield (*values, pg_tsvector(search_tokens(m)))

        db = self.db
        try:
            with db._lock, db._connected().transaction(), db._writer.cursor() as cur:
                if not db.staged:
                    for statement in _STAGING:
                        cur.execute(statement)
                    db.staged = True
                if author_rows:
                    _copy(cur, "stage_authors", _AUTHOR_COLS, author_rows)
                    cur.execute(_MOVE_AUTHORS)
                _copy(cur, "stage_mentions", f"{_MENTION_COLS}, search", mention_rows())
                cur.execute(_MOVE_MENTIONS)
                keys = cur.fetchall()
                returned = {mid: (int(seq), bool(fresh)) for mid, seq, _, fresh in keys}
                stale = [(mid, seq, t) for mid, seq, t, fresh in keys if not fresh]
                if stale:
                    cur.execute(_REFRESH, [list(column) for column in zip(*stale, strict=True)])
                self._load_routes(cur, unique)
                seqs = [(m, returned[clean(m.id)][0]) for m in unique]
                query_rows, workspace_rows = route_rows(seqs, db.routes, to_utc_ms)
                if query_rows:
                    ids = {seq: clean(m.id) for m, seq in seqs}
                    _copy(cur, "stage_routes", _ROUTE_COLS, query_rows)
                    cur.execute(_MOVE_ROUTES)
                    _copy(
                        cur,
                        "stage_workspaces",
                        _WS_COLS,
                        ((ws, seq, t, *dims[ids[seq]]) for ws, seq, t in workspace_rows),
                    )
                    cur.execute(_MOVE_WORKSPACES)
                cur.execute(_MOVE_ROLLUP)
                cur.execute(_MOVE_AUTHOR_DAYS)
        except BaseException:
            # the transaction rolled back: staging tables it created are gone too
            db.staged = False
            raise
        db.authors.remember(author_rows)
        inserted = sum(1 for _, fresh in returned.values() if fresh)
        return AddResult(inserted=inserted, updated=len(unique) - inserted + repeats)

    # -- partitions ---------------------------------------------------------------

    def ensure_partitions(self, months: Iterable[date]) -> list[str]:
        """Create the month partitions of ``mentions`` that are missing (first days of
        months, UTC). Months outside 2000-01 .. now + 2 months are left to the default
        partition. Returns the partitions created or found."""
        last = _add_months(_month(self._now()), _MONTHS_AHEAD)
        wanted = sorted(
            m for m in months if m not in self._months and _FIRST_PARTITION <= m <= last
        )
        names: list[str] = []
        for month in wanted:
            for attempt in (1, 2):
                try:
                    with self._tx() as cur:
                        cur.execute("SELECT socialhub_mention_partition(%s)", (month,))
                        names.append(str(cur.fetchone()[0]))
                    break
                except (psycopg.errors.DuplicateTable, psycopg.errors.UniqueViolation):
                    # another writer created it at the same moment: the retry finds it
                    if attempt == 2:
                        raise
            self._months.add(month)
        return names

    def forget_partitions(self) -> None:
        """Forget which partitions exist (after some were dropped)."""
        self._months.clear()

    def partitions(self) -> list[tuple[str, datetime | None, datetime | None]]:
        """``(name, from, to)`` of every partition of ``mentions``, oldest first; the
        default partition last with ``(None, None)``."""
        rows = self._rows(
            "SELECT c.relname, pg_get_expr(c.relpartbound, c.oid) FROM pg_inherits i "
            "JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'mentions'::regclass",
            translate=False,
        )
        out: list[tuple[str, datetime | None, datetime | None]] = []
        for name, bound in rows:
            found = _BOUND.search(bound or "")
            if found is None:
                out.append((str(name), None, None))
            else:
                lo, hi = (datetime.fromisoformat(v).astimezone(UTC) for v in found.groups())
                out.append((str(name), lo, hi))
        return sorted(out, key=lambda p: (p[1] is None, p[1] or datetime.min.replace(tzinfo=UTC)))


def _lost(exc: psycopg.OperationalError) -> bool:
    """The connection itself died (not a timeout or a refused statement)."""
    text = str(exc).lower()
    return exc.sqlstate in ("57P01", "57P02", "57P03") or any(
        s in text for s in ("connection is lost", "terminating connection", "server closed",
                            "consuming input failed", "connection is closed")
    )  # fmt: skip


_BOUND = re.compile(r"FROM \('([^']+)'\) TO \('([^']+)'\)")


def _month(t: datetime) -> date:
    """First day of the UTC month holding ``t``."""
    t = t.astimezone(UTC)
    return date(t.year, t.month, 1)


def _add_months(month: date, n: int) -> date:
    index = month.year * 12 + month.month - 1 + n
    return date(index // 12, index % 12 + 1, 1)


def _copy(
    cur: psycopg.Cursor[Any], table: str, columns: str, rows: Iterable[Sequence[Any]]
) -> None:
    with cur.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)
