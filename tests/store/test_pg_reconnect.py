"""A PostgreSQL store whose connections are terminated recovers by itself (issue 23).

``pg_terminate_backend`` on the store's own sessions (found by their application name,
as an operator would) stands for a server restart or a network cut. The next write
reopens the writer connection (and its staging tables), the next read retries once on
a fresh pooled connection, and a long-held lock makes a write fail with a store-away
error instead of hanging.
"""

from __future__ import annotations

import secrets
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from urllib.parse import urlencode

import psycopg
import pytest

from socialhub.models import Mention
from socialhub.store import postgres
from socialhub.store.availability import is_unavailable
from socialhub.store.checkpoints import ProcessBeat
from socialhub.store.postgres import PostgresStore

pytestmark = pytest.mark.postgres

T0 = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)


def mention(n: int) -> Mention:
    return Mention("x", str(n), f"panne numéro {n}", T0 + timedelta(seconds=n))


@pytest.fixture
def named_store(pg_url: str) -> Iterator[tuple[PostgresStore, str]]:
    name = f"socialhub-test-{secrets.token_hex(4)}"
    store = PostgresStore(f"{pg_url}?{urlencode({'application_name': name})}")
    try:
        yield store, name
    finally:
        store.close()


def terminate(url: str, application_name: str) -> int:
    with psycopg.connect(url, autocommit=True) as conn:
        rows = conn.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = %s",
            (application_name,),
        ).fetchall()
    return len(rows)


def test_writes_and_reads_survive_terminated_connections(
    named_store: tuple[PostgresStore, str], pg_url: str
) -> None:
    store, name = named_store
    store.add([mention(i) for i in range(10)])
    assert store.count() >= 10
    before = store.count()
    assert terminate(pg_url, name) >= 2  # the writer and at least one pooled reader
    batch = [mention(i) for i in range(10, 20)]
    # the write that finds its session dead fails as "store away" (its consumer holds
    # the batch and retries); nothing of it is committed
    with pytest.raises(psycopg.OperationalError) as err:
        store.add(batch)
    assert is_unavailable(err.value)
    assert store.count() == before  # the read retried once on a fresh connection
    store.add(batch)  # the retry reopens the writer and its staging tables
    assert store.reconnects == 1 and store.count() == before + 10
    assert terminate(pg_url, name) >= 1
    beat = ProcessBeat("w1", "worker", "w1", "host", 1, T0, T0, {})
    with pytest.raises(psycopg.OperationalError):
        store.beat(beat)  # any write on the writer: fails once, then reconnects
    store.beat(beat)
    assert store.reconnects == 2 and [b.id for b in store.list_processes()] == ["w1"]


def test_a_write_blocked_by_a_lock_fails_as_store_away(
    named_store: tuple[PostgresStore, str], pg_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    store, _ = named_store
    store.add([mention(0)])
    monkeypatch.setattr(postgres, "WRITE_LOCK_TIMEOUT", "200ms")
    store._writer.close()  # next use reopens with the patched timeout
    locked = threading.Event()
    release = threading.Event()

    def hold() -> None:
        with psycopg.connect(pg_url) as conn, conn.transaction():
            conn.execute("LOCK TABLE mention_keys IN ACCESS EXCLUSIVE MODE")
            locked.set()
            release.wait(10)

    holder = threading.Thread(target=hold)
    holder.start()
    try:
        assert locked.wait(10)
        with pytest.raises(psycopg.OperationalError) as err:
            store.add([mention(1)])
        assert is_unavailable(err.value)
    finally:
        release.set()
        holder.join(10)
    store.add([mention(1)])  # the lock is gone: the same write goes through
    assert store.count() >= 2
