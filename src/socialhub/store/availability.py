"""Is the store away (retry the same work later) or did it refuse this work (a bug, bad data)?

Consumers act differently on the two: an unavailable store (connection lost, server
restarting, a lock held too long) means *pause and retry the same batch*, never
quarantine its mentions and never spend their delivery attempts; any other error is the
batch's own and follows the bus's nak / dead-letter path with its reason.
"""

from __future__ import annotations

import sqlite3

import psycopg

__all__ = ["StoreUnavailable", "is_unavailable"]


class StoreUnavailable(RuntimeError):
    """The store cannot be reached right now (raised by consumers that wrap the cause)."""


# SQLite's transient answers: another writer holds the lock, or the disk is busy.
_SQLITE_TRANSIENT = ("database is locked", "database is busy", "disk i/o error")


def is_unavailable(exc: BaseException) -> bool:
    """True when ``exc`` (or its cause) says the database is away or busy, not that it
    refused this data.

    PostgreSQL: every ``OperationalError`` (connection lost or refused, admin shutdown,
    lock or statement timeout, pool timeout, disk full) and ``InterfaceError`` (a closed
    connection), except a program limit exceeded by the data (SQLSTATE class 54).
    Integrity and data errors are *not* transient: retrying cannot help.
    """
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, StoreUnavailable):
            return True
        if isinstance(current, psycopg.OperationalError | psycopg.InterfaceError):
            # class 54 (a program limit: a tsvector or index row too long) is the
            # data's doing: retrying the same batch would stall the worker on it
            return not (current.sqlstate or "").startswith("54")
        if isinstance(current, sqlite3.OperationalError):
            return any(s in str(current).lower() for s in _SQLITE_TRANSIENT)
        current = current.__cause__ or current.__context__
    return False
