"""What the SQL stores share below the CRUD: the cursor protocol, the connection
primitives each dialect's connection object implements (:class:`SqlPrimitives`), the
base of every per-feature repository (:class:`Repo`), and small helpers.

One connection object per store (``SqliteDb`` or ``PostgresDb``) owns the writer, the
readers and the caches; each feature's repository (mentions, alerts, reports...) holds
a reference to it and writes its SQL once, with ``?`` placeholders.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from socialhub.query.ast import Node
    from socialhub.store.common import AuthorCache, RouteCache


class Cursor(Protocol):
    """What both drivers' cursors offer and the shared code uses."""

    def execute(self, query: Any, params: Any = ...) -> Any: ...

    def executemany(self, query: Any, params_seq: Any) -> Any: ...

    def fetchone(self) -> Any: ...

    def fetchall(self) -> Any: ...


class SqlPrimitives:
    """Connection primitives; the SQLite and PostgreSQL connection objects implement
    them and every repository forwards to one (:class:`Repo`)."""

    def _tx(self) -> AbstractContextManager[Cursor]:
        """A cursor inside one write transaction (committed on success)."""
        raise NotImplementedError

    def _rows(
        self, sql: str, params: Sequence[Any] = (), *, translate: bool = True, serial: bool = False
    ) -> list[tuple[Any, ...]]:
        """Run a read query on a reader connection.

        ``sql`` uses ``?`` placeholders unless ``translate`` is false, in which case it
        is already in the driver's style (it embeds a compiled query). ``serial`` asks
        PostgreSQL for a plan without parallel workers (SQLite has none).
        """
        raise NotImplementedError

    def _sql(self, sql: str) -> str:
        """Translate ``?`` placeholders for the driver."""
        return sql

    def _ts(self, value: datetime) -> Any:
        raise NotImplementedError

    def _dt(self, value: Any) -> datetime:
        raise NotImplementedError

    def _now(self) -> Any:
        raise NotImplementedError

    def _compile(self, node: Node, workspace_id: int | None) -> tuple[str, list[object]]:
        """The dialect's query compiler (``compile_sqlite`` or ``compile_postgres``)."""
        raise NotImplementedError

    def _driver(self, node: Node) -> tuple[str, list[object], bool] | None:
        """``(SELECT seq ..., params, exact)``: the full-text hits that every match of
        ``node`` is among, exactly its matches when ``exact``; None when the dialect or
        the query has none (search then starts from the newest mentions)."""
        return None

    def _one(self, cur: Cursor, sql: str, params: Sequence[Any] = ()) -> Any:
        cur.execute(self._sql(sql), tuple(params))
        row = cur.fetchone()
        return None if row is None else row[0]


class SqlDb(SqlPrimitives):
    """A dialect's connection object: the primitives plus what every repository of one
    store shares (its URL and the process-wide caches)."""

    url: str
    routes: RouteCache  # query id -> workspace id, for routing mentions
    authors: AuthorCache  # author rows written recently

    def migrate(self) -> list[str]:
        raise NotImplementedError

    def applied_migrations(self) -> list[str]:
        raise NotImplementedError

    def close(self) -> None:
        raise NotImplementedError


class Repo(SqlPrimitives):
    """Base of a per-feature repository: the primitives forward to the shared
    connection object, so a repository's SQL reads as before (``self._tx()``...)."""

    def __init__(self, db: SqlDb) -> None:
        self.db = db

    def _tx(self) -> AbstractContextManager[Cursor]:
        return self.db._tx()

    def _rows(
        self, sql: str, params: Sequence[Any] = (), *, translate: bool = True, serial: bool = False
    ) -> list[tuple[Any, ...]]:
        return self.db._rows(sql, params, translate=translate, serial=serial)

    def _sql(self, sql: str) -> str:
        return self.db._sql(sql)

    def _ts(self, value: datetime) -> Any:
        return self.db._ts(value)

    def _dt(self, value: Any) -> datetime:
        return self.db._dt(value)

    def _now(self) -> Any:
        return self.db._now()

    def _compile(self, node: Node, workspace_id: int | None) -> tuple[str, list[object]]:
        return self.db._compile(node, workspace_id)

    def _driver(self, node: Node) -> tuple[str, list[object], bool] | None:
        return self.db._driver(node)


def filters(**values: Any) -> tuple[str, list[Any]]:
    """`` WHERE a = ? AND b = ?`` for the non-None keyword values."""
    used = [(k, v) for k, v in values.items() if v is not None]
    if not used:
        return "", []
    return " WHERE " + " AND ".join(f"{k} = ?" for k, _ in used), [v for _, v in used]


def iter_chunks(items: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
