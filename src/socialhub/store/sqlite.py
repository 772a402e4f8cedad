"""SQLite store: the embedded default (WAL, FTS5, one writer).

All writes go through ONE writer connection guarded by a fair (FIFO) lock, Datasette
style: SQLite allows one writer at a time anyway, and serialising in-process avoids busy
waits and ``database is locked`` errors; WAL checkpoints run in a background thread, never
inside a commit (:mod:`.sqlite_writer`). Reads use one connection per thread, which in WAL mode
never block the writer nor each other.

Times are INTEGER milliseconds since the epoch (UTC). Full-text search uses the
contentless FTS5 table ``mentions_fts`` whose rowid is ``mentions.seq`` and whose
document is our own token stream (``socialhub.text.index_tokens``), so search answers
equal the streaming matcher's and PostgreSQL's.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from socialhub.models import Mention, utcnow
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
    update_values,
)
from socialhub.store.composed import SqlStore
from socialhub.store.convert import clean, from_ms, to_ms
from socialhub.store.packing import pack_raw, pack_sha256
from socialhub.store.reads import MentionReads
from socialhub.store.sqlbase import Cursor, SqlDb, iter_chunks
from socialhub.store.sqlite_writer import Checkpointer, FairLock
from socialhub.text import fts_document

if TYPE_CHECKING:
    from socialhub.query.ast import Node

# Why each PRAGMA: WAL lets readers run during writes; synchronous=NORMAL is durable
# across application crashes in WAL mode and much faster than FULL; a big page cache
# and in-memory temp tables help bulk imports and FTS merges.
_COMMON_PRAGMAS = (
    "PRAGMA foreign_keys = ON",
    "PRAGMA busy_timeout = 30000",
    "PRAGMA temp_store = MEMORY",
    "PRAGMA mmap_size = 1073741824",  # 1 GiB of address space: reads skip a copy
)
_WRITER_PRAGMAS = (
    "PRAGMA journal_mode = WAL",
    "PRAGMA synchronous = NORMAL",
    # Bulk inserts touch index pages all over the file: keep them in memory (256 MiB,
    # allocated only as used), and checkpoint every ~40 MB of WAL instead of 4 MB.
    "PRAGMA cache_size = -262144",
    # No checkpoint inside a commit (a web write paid for the ingest's WAL): the
    # Checkpointer thread does them, passively (store/sqlite_writer.py).
    "PRAGMA wal_autocheckpoint = 0",
)
_READER_PRAGMAS = ("PRAGMA query_only = ON", "PRAGMA cache_size = -65536")
# a bulk import's connections (SqliteStore.limit_memory): no map, a 64 MiB cache
_BULK_PRAGMAS = ("PRAGMA mmap_size = 0", "PRAGMA cache_size = -65536")

MIN_SQLITE = (3, 35, 0)

_INSERT_MENTION = (
    f"INSERT INTO mentions (seq, {', '.join(MENTION_COLUMNS)}) "
    f"VALUES ({', '.join('?' * (len(MENTION_COLUMNS) + 1))})"
)
_UPDATE_MENTION = (
    f"UPDATE mentions SET {', '.join(f'{c} = ?' for c in MENTION_UPDATE_COLUMNS)} WHERE seq = ?"
)
_UPSERT_AUTHOR = (
    f"INSERT INTO authors ({', '.join(AUTHOR_COLUMNS)}) "
    f"VALUES ({', '.join('?' * len(AUTHOR_COLUMNS))}) ON CONFLICT (id) DO UPDATE SET "
    + ", ".join(f"{c} = excluded.{c}" for c in AUTHOR_COLUMNS[1:])
)
_INSERT_ROUTE = (
    "INSERT INTO mention_queries (query_id, mention_seq, workspace_id, created_at, relevance) "
    "VALUES (?, ?, ?, ?, ?) ON CONFLICT (query_id, mention_seq) DO UPDATE SET "
    "relevance = coalesce(excluded.relevance, mention_queries.relevance)"
)
_INSERT_WORKSPACE = (
    "INSERT OR IGNORE INTO mention_workspaces (workspace_id, mention_seq, created_at) "
    "VALUES (?, ?, ?)"
)


_TEXT = MENTION_COLUMNS.index("text")
_RAW = MENTION_COLUMNS.index("raw")
_SHA = MENTION_COLUMNS.index("raw_sha256")


def _packed(seq: int, values: tuple[Any, ...]) -> tuple[Any, ...]:
    """``(seq, *values)`` with the raw payload and its hash packed (store/packing.py)."""
    row = [seq, *values]
    row[_RAW + 1] = pack_raw(values[_RAW], values[_TEXT])
    row[_SHA + 1] = pack_sha256(values[_SHA])
    return tuple(row)


def path_from_url(url: str) -> Path:
    """``sqlite:///rel/path.db`` -> ``rel/path.db``; ``sqlite:////abs/path.db`` -> ``/abs/...``.

    The SQLAlchemy convention: three slashes then the path, so an absolute path shows a
    fourth slash.
    """
    prefix = "sqlite:///"
    if not url.startswith(prefix) or len(url) == len(prefix):
        raise ValueError(f"not a SQLite URL (expected sqlite:///path.db): {url!r}")
    return Path(url[len(prefix) :])


class SqliteStore(SqlStore):
    """The Store protocol on one SQLite file. Thread-safe; opens no migration itself."""

    def __init__(self, url: str) -> None:
        db = SqliteDb(url)
        super().__init__(db, SqliteMentions(db))
        self.db: SqliteDb = db
        self.path = db.path

    def limit_memory(self) -> None:
        """For a long bulk import: this process's connections map no file pages and keep a
        64 MiB page cache, so its resident memory does not grow with the database (the
        1 GiB map and 256 MiB cache made a 1M-mention import's peak follow the file)."""
        self.db.limit_memory()


class SqliteDb(SqlDb):
    """The connections of one SQLite file: one writer, one reader per thread."""

    def __init__(self, url: str) -> None:
        if sqlite3.sqlite_version_info < MIN_SQLITE:  # RETURNING, AS MATERIALIZED
            raise RuntimeError(f"SQLite >= 3.35 is needed, this is {sqlite3.sqlite_version}")
        self.url = url
        self.path = path_from_url(url)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.routes = RouteCache()
        self.authors = AuthorCache()
        self._lock = FairLock()  # first come, first served: see sqlite_writer
        self._local = threading.local()
        self._readers: list[sqlite3.Connection] = []
        self._readers_lock = threading.Lock()
        self._closed = False
        self._extra: tuple[str, ...] = ()
        self._writer = self._connect(_WRITER_PRAGMAS)
        self._checkpointer = Checkpointer(self.path)

    # -- connections --------------------------------------------------------------

    def _connect(self, pragmas: Sequence[str]) -> sqlite3.Connection:
        # isolation_level=None: we issue BEGIN/COMMIT ourselves; check_same_thread=False
        # only so close() may close every connection (each is used by one thread).
        conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False, timeout=30)
        for pragma in (*_COMMON_PRAGMAS, *pragmas):
            conn.execute(pragma)
        # Compiled queries may call socialhub_near() (NEAR forms FTS5 cannot express).
        from socialhub.query.sql import register_sqlite_functions

        register_sqlite_functions(conn)
        return conn

    def limit_memory(self) -> None:
        """See :meth:`SqliteStore.limit_memory`; readers opened later get it too."""
        self._extra = _BULK_PRAGMAS
        with self._lock:
            for pragma in _BULK_PRAGMAS:
                self._writer.execute(pragma)
        with self._readers_lock:
            for conn in self._readers:
                for pragma in _BULK_PRAGMAS:
                    conn.execute(pragma)

    def _reader(self) -> sqlite3.Connection:
        if self._closed:
            raise sqlite3.ProgrammingError("store is closed")
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            conn = self._connect((*_READER_PRAGMAS, *self._extra))
            self._local.conn = conn
            with self._readers_lock:
                self._readers.append(conn)
        return conn

    def close(self) -> None:
        self._closed = True
        self._checkpointer.close()
        with self._lock:
            self._writer.close()
        with self._readers_lock:
            for conn in self._readers:
                conn.close()
            self._readers.clear()

    @contextmanager
    def _tx(self) -> Iterator[Cursor]:
        """BEGIN IMMEDIATE on the writer: takes the file's write lock up front, so a
        read-then-write inside the transaction cannot be raced by another process."""
        with self._lock:
            conn = self._writer
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn.cursor()
            except BaseException:
                if conn.in_transaction:  # some errors make SQLite roll back by itself
                    conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")
        self._checkpointer.poke()

    def _rows(
        self, sql: str, params: Sequence[Any] = (), *, translate: bool = True, serial: bool = False
    ) -> list[tuple[Any, ...]]:
        return self._reader().execute(sql, tuple(params)).fetchall()

    def _ts(self, value: datetime) -> int:
        return to_ms(value)

    def _dt(self, value: Any) -> datetime:
        return from_ms(int(value))

    def _now(self) -> int:
        return to_ms(utcnow())

    def _compile(self, node: Node, workspace_id: int | None) -> tuple[str, list[object]]:
        from socialhub.query.sql import compile_sqlite

        return compile_sqlite(node, workspace_id=workspace_id)

    def _driver(self, node: Node) -> tuple[str, list[object], bool] | None:
        from socialhub.query import fts5
        from socialhub.query.sql import sqlite_driver

        text = sqlite_driver(node)
        if text is None:
            return None
        sql = "SELECT rowid AS seq FROM mentions_fts WHERE mentions_fts MATCH ?"
        return sql, [text], text == fts5.exact(node)

    # -- migrations ---------------------------------------------------------------

    def applied_migrations(self) -> list[str]:
        conn = self._reader()
        exists = conn.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'"
        ).fetchone()
        if not exists:
            return []
        return [r[0] for r in conn.execute("SELECT name FROM schema_migrations ORDER BY name")]

    def migrate(self) -> list[str]:
        """Apply pending migrations, each with its record in one transaction."""
        applied_now: list[str] = []
        for migration in migrations.available("sqlite"):
            with self._tx() as cur:
                cur.execute(migrations.SCHEMA_TABLE["sqlite"])
                cur.execute("SELECT 1 FROM schema_migrations WHERE name = ?", (migration.name,))
                if cur.fetchone():
                    continue  # applied before, maybe by another process meanwhile
                for statement in migrations.split_sqlite(migration.sql):
                    cur.execute(statement)
                cur.execute(
                    "INSERT INTO schema_migrations (name, applied_at) VALUES (?, ?)",
                    (migration.name, self._now()),
                )
            applied_now.append(migration.name)
        return applied_now


class SqliteMentions(MentionReads):
    """Mentions on SQLite: the shared reads plus the bulk write."""

    def add(self, batch: Sequence[Mention]) -> AddResult:
        """Insert new mentions (with their FTS rows) and refresh re-collected ones, in
        one transaction with executemany. See :mod:`socialhub.store.common` for what a
        re-collection may change (the first capture's evidence is kept)."""
        unique, repeats = merge_batch(batch)
        if not unique:
            return AddResult(0, repeats)
        now = self._now()
        with self._tx() as cur:
            author_rows = self.db.authors.changed(
                [author_values(a, to_ms, now) for a in unique_authors(unique)]
            )
            if author_rows:
                cur.executemany(_UPSERT_AUTHOR, author_rows)
            existing: dict[str, int] = {}
            ids = [clean(m.id) for m in unique]  # as stored
            for chunk in iter_chunks(ids, 500):
                marks = ", ".join("?" * len(chunk))
                cur.execute(f"SELECT id, seq FROM mentions WHERE id IN ({marks})", tuple(chunk))
                existing.update(cur.fetchall())
            # We hold the write lock, so numbering rows ourselves is race-free and
            # gives the seqs (= FTS rowids) without a round trip per row.
            cur.execute("SELECT coalesce(max(seq), 0) FROM mentions")
            next_seq = int(cur.fetchone()[0]) + 1
            seqs: list[tuple[Mention, int]] = []
            new_rows: list[tuple[Any, ...]] = []
            fts_rows: list[tuple[int, str]] = []
            old_rows: list[tuple[Any, ...]] = []
            for m, mention_id in zip(unique, ids, strict=True):
                seq = existing.get(mention_id)
                if seq is None:
                    seq = next_seq
                    next_seq += 1
                    new_rows.append(_packed(seq, mention_values(m, to_ms, now)))
                    fts_rows.append((seq, fts_document(search_tokens(m))))
                else:
                    old_rows.append((*update_values(m, now), seq))
                seqs.append((m, seq))
            if new_rows:
                cur.executemany(_INSERT_MENTION, new_rows)
                cur.executemany("INSERT INTO mentions_fts (rowid, tokens) VALUES (?, ?)", fts_rows)
            if old_rows:
                cur.executemany(_UPDATE_MENTION, old_rows)
            self._load_routes(cur, unique)
            query_rows, workspace_rows = route_rows(seqs, self.db.routes, to_ms)
            if query_rows:
                cur.executemany(_INSERT_ROUTE, query_rows)
                cur.executemany(_INSERT_WORKSPACE, workspace_rows)
        self.db.authors.remember(author_rows)
        return AddResult(inserted=len(new_rows), updated=len(old_rows) + repeats)
