"""What the SQL stores share below the CRUD: the cursor protocol, the connection
primitives each concrete store implements, and small helpers."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager
from datetime import datetime
from typing import Any, Protocol


class Cursor(Protocol):
    """What both drivers' cursors offer and the shared code uses."""

    def execute(self, query: Any, params: Any = ...) -> Any: ...

    def executemany(self, query: Any, params_seq: Any) -> Any: ...

    def fetchone(self) -> Any: ...

    def fetchall(self) -> Any: ...


class SqlPrimitives:
    """Connection primitives; SQLite and PostgreSQL stores implement them."""

    def _tx(self) -> AbstractContextManager[Cursor]:
        """A cursor inside one write transaction (committed on success)."""
        raise NotImplementedError

    def _rows(
        self, sql: str, params: Sequence[Any] = (), *, translate: bool = True
    ) -> list[tuple[Any, ...]]:
        """Run a read query on a reader connection.

        ``sql`` uses ``?`` placeholders unless ``translate`` is false, in which case it
        is already in the driver's style (it embeds a compiled query).
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

    def _one(self, cur: Cursor, sql: str, params: Sequence[Any] = ()) -> Any:
        cur.execute(self._sql(sql), tuple(params))
        row = cur.fetchone()
        return None if row is None else row[0]


def filters(**values: Any) -> tuple[str, list[Any]]:
    """`` WHERE a = ? AND b = ?`` for the non-None keyword values."""
    used = [(k, v) for k, v in values.items() if v is not None]
    if not used:
        return "", []
    return " WHERE " + " AND ".join(f"{k} = ?" for k, _ in used), [v for _, v in used]


def iter_chunks(items: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
