"""Which store errors pause a consumer (the store is away) and which fail the batch."""

from __future__ import annotations

import sqlite3

import psycopg
import pytest

from socialhub.store.availability import StoreUnavailable, is_unavailable


def test_outages_pause_and_the_datas_own_errors_do_not(pg_url: str) -> None:
    with psycopg.connect(pg_url, autocommit=True) as conn:
        # a program limit hit by the data itself (a tsvector too long): class 54
        with pytest.raises(psycopg.OperationalError) as too_long:
            conn.execute("SELECT repeat('a', 1100000)::tsvector")
        with pytest.raises(psycopg.errors.UniqueViolation) as dupe:
            conn.execute("CREATE TEMP TABLE u (x int PRIMARY KEY)")
            conn.execute("INSERT INTO u VALUES (1), (1)")
    assert too_long.value.sqlstate == "54000" and not is_unavailable(too_long.value)
    assert not is_unavailable(dupe.value)
    # (a lock timeout, LockNotAvailable, is an outage: tests/store/test_pg_reconnect.py)
    assert is_unavailable(psycopg.OperationalError("the connection is lost"))
    assert is_unavailable(StoreUnavailable("away"))
    assert is_unavailable(sqlite3.OperationalError("database is locked"))
    assert not is_unavailable(sqlite3.OperationalError("no such table: x"))
    try:
        try:
            raise psycopg.OperationalError("server closed the connection")
        except psycopg.OperationalError as exc:
            raise RuntimeError("stage failed") from exc
    except RuntimeError as wrapped:
        assert is_unavailable(wrapped)  # the cause counts
    assert not is_unavailable(ValueError("bad mention"))
