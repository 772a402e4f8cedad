"""PostgreSQL store: the scale-out back end (psycopg 3, tsvector search, COPY writes).

Writes go through one writer connection per store (guarded by a lock, like SQLite's);
several processes may write at once, which ``INSERT ... ON CONFLICT`` makes safe. Bulk
writes COPY the batch into temporary staging tables, then move it with one
``INSERT ... SELECT ... ON CONFLICT`` per table: far fewer round trips than row by row.
Reads use a small connection pool. Sessions run in UTC.

Full-text search uses the ``search`` tsvector column, built in Python from our own
tokens (``socialhub.text.pg_tsvector(index_tokens(text))``) and sent as tsvector text:
PostgreSQL's parser and dictionaries are never involved, so answers equal SQLite's.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from typing import TYPE_CHECKING, Any

import psycopg
from psycopg_pool import ConnectionPool

from socialhub.models import Mention, as_utc
from socialhub.store import migrations
from socialhub.store.admin import Cursor
from socialhub.store.alerts import AlertRepo
from socialhub.store.base import AddResult
from socialhub.store.checkpoints import CheckpointRepo
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
from socialhub.store.convert import clean, to_utc_ms, utc_ms_now
from socialhub.store.launches import LaunchRepo
from socialhub.store.reads import SqlStoreBase
from socialhub.store.relevance import RelevanceRepo
from socialhub.store.reports import ReportRepo
from socialhub.store.sources import SourceRepo
from socialhub.store.walls import WallRepo
from socialhub.store.web import WebRepo
from socialhub.text import pg_tsvector

if TYPE_CHECKING:
    from socialhub.query.ast import Node

_MIGRATION_LOCK = 0x50C1A1  # pg_advisory_xact_lock key: one migrating process at a time

_MENTION_COLS = ", ".join(MENTION_COLUMNS)
_AUTHOR_COLS = ", ".join(AUTHOR_COLUMNS)
_ROUTE_COLS = "query_id, mention_seq, workspace_id, created_at, relevance"

# Staging tables take their column types from the real ones (no constraints, no
# defaults) and empty themselves at commit.
_STAGING = (
    "CREATE TEMP TABLE IF NOT EXISTS stage_authors ON COMMIT DELETE ROWS AS "
    f"SELECT {_AUTHOR_COLS} FROM authors WITH NO DATA",
    "CREATE TEMP TABLE IF NOT EXISTS stage_mentions ON COMMIT DELETE ROWS AS "
    f"SELECT {_MENTION_COLS}, search FROM mentions WITH NO DATA",
    "CREATE TEMP TABLE IF NOT EXISTS stage_routes ON COMMIT DELETE ROWS AS "
    f"SELECT {_ROUTE_COLS} FROM mention_queries WITH NO DATA",
)
# Rows are moved in key order so concurrent writers lock them in the same order.
_MOVE_AUTHORS = (
    f"INSERT INTO authors ({_AUTHOR_COLS}) SELECT {_AUTHOR_COLS} FROM stage_authors "
    "ORDER BY id ON CONFLICT (id) DO UPDATE SET "
    + ", ".join(f"{c} = EXCLUDED.{c}" for c in AUTHOR_COLUMNS[1:])
)
_MOVE_MENTIONS = (
    f"INSERT INTO mentions ({_MENTION_COLS}, search) "
    f"SELECT {_MENTION_COLS}, search FROM stage_mentions ORDER BY platform, native_id "
    "ON CONFLICT (platform, native_id) DO UPDATE SET "
    + ", ".join(f"{c} = EXCLUDED.{c}" for c in MENTION_UPDATE_COLUMNS)
    # xmax is 0 only on a row version this statement inserted.
    + " RETURNING id, seq, (xmax = 0)"
)
_MOVE_ROUTES = (
    f"INSERT INTO mention_queries ({_ROUTE_COLS}) SELECT {_ROUTE_COLS} FROM stage_routes "
    "ORDER BY query_id, mention_seq ON CONFLICT (query_id, mention_seq) DO UPDATE SET "
    "relevance = coalesce(EXCLUDED.relevance, mention_queries.relevance)"
)
_MOVE_WORKSPACES = (
    "INSERT INTO mention_workspaces (workspace_id, mention_seq, created_at) "
    "SELECT DISTINCT ON (workspace_id, mention_seq) workspace_id, mention_seq, created_at "
    "FROM stage_routes ORDER BY workspace_id, mention_seq ON CONFLICT DO NOTHING"
)


def _configure(conn: psycopg.Connection[Any]) -> None:
    conn.execute("SET TIME ZONE 'UTC'")


class PostgresStore(
    SqlStoreBase,
    RelevanceRepo,
    AlertRepo,
    ReportRepo,
    WebRepo,
    LaunchRepo,
    WallRepo,
    SourceRepo,
    CheckpointRepo,
):
    """The Store protocol on a PostgreSQL database. Thread-safe; migrates only on demand."""

    def __init__(self, url: str, *, max_readers: int = 8) -> None:
        self.url = url
        self._routes = RouteCache()
        self._authors = AuthorCache()
        self._lock = threading.Lock()
        self._writer = psycopg.connect(url, autocommit=True)
        _configure(self._writer)
        self._staged = False
        self._pool = ConnectionPool(
            url,
            min_size=1,
            max_size=max_readers,
            kwargs={"autocommit": True},
            configure=_configure,
            open=True,
            name="socialhub-readers",
        )

    def close(self) -> None:
        self._pool.close()
        with self._lock:
            self._writer.close()

    @contextmanager
    def _tx(self) -> Iterator[Cursor]:
        with self._lock, self._writer.transaction(), self._writer.cursor() as cur:
            yield cur

    def _rows(
        self, sql: str, params: Sequence[Any] = (), *, translate: bool = True
    ) -> list[tuple[Any, ...]]:
        with self._pool.connection() as conn:
            return conn.execute(self._sql(sql) if translate else sql, tuple(params)).fetchall()

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

    # -- mentions -----------------------------------------------------------------

    def add(self, batch: Sequence[Mention]) -> AddResult:
        """COPY the batch into staging tables, then upsert authors, mentions and routes.

        See :mod:`socialhub.store.common` for what a re-collection may change (the first
        capture's evidence is kept).
        """
        unique, repeats = merge_batch(batch)
        if not unique:
            return AddResult(0, repeats)
        now = self._now()
        author_rows = self._authors.changed(
            [author_values(a, to_utc_ms, now) for a in unique_authors(unique)]
        )
        # A generator: rows are built while COPY streams the previous ones, so the
        # server parses and stores them while Python formats the rest.
        mention_rows = (
            (*mention_values(m, to_utc_ms, now), pg_tsvector(search_tokens(m))) for m in unique
        )
        with self._lock, self._writer.transaction(), self._writer.cursor() as cur:
            if not self._staged:
                for statement in _STAGING:
                    cur.execute(statement)
                self._staged = True
            if author_rows:
                _copy(cur, "stage_authors", _AUTHOR_COLS, author_rows)
                cur.execute(_MOVE_AUTHORS)
            _copy(cur, "stage_mentions", f"{_MENTION_COLS}, search", mention_rows)
            cur.execute(_MOVE_MENTIONS)
            returned = {mid: (int(seq), bool(fresh)) for mid, seq, fresh in cur.fetchall()}
            self._load_routes(cur, unique)
            seqs = [(m, returned[clean(m.id)][0]) for m in unique]
            query_rows, _ = route_rows(seqs, self._routes, to_utc_ms)
            if query_rows:
                _copy(cur, "stage_routes", _ROUTE_COLS, query_rows)
                cur.execute(_MOVE_ROUTES)
                cur.execute(_MOVE_WORKSPACES)
        self._authors.remember(author_rows)
        inserted = sum(1 for _, fresh in returned.values() if fresh)
        return AddResult(inserted=inserted, updated=len(unique) - inserted + repeats)


def _copy(
    cur: psycopg.Cursor[Any], table: str, columns: str, rows: Iterable[Sequence[Any]]
) -> None:
    with cur.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)
