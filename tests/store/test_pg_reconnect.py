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
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from urllib.parse import urlencode

import psycopg
import pytest

from socialhub.models import Mention
from socialhub.records.processes import ProcessBeat
from socialhub.store import postgres
from socialhub.store.availability import is_unavailable
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
    """Terminate the sessions of ``application_name`` and wait until they are gone
    (``pg_terminate_backend`` only signals the backend)."""
    with psycopg.connect(url, autocommit=True) as conn:
        # the function in the select list: called only on the rows the WHERE keeps
        pids = [
            r[0]
            for r in conn.execute(
                "SELECT pid, pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE application_name = %s AND datname = current_database()",
                (application_name,),
            )
        ]
        deadline = time.monotonic() + 10
        while conn.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE pid = ANY(%s)", (pids,)
        ).fetchone()[0]:  # type: ignore[index]
            assert time.monotonic() < deadline, "terminated sessions did not go away"
            time.sleep(0.01)
    return len(pids)


def test_writes_and_reads_survive_terminated_connections(
    named_store: tuple[PostgresStore, str], pg_url: str
) -> None:
    store, name = named_store
    store.mentions.add([mention(i) for i in range(10)])
    assert store.mentions.count() >= 10
    before = store.mentions.count()
    assert terminate(pg_url, name) >= 2  # the writer and at least one pooled reader
    batch = [mention(i) for i in range(10, 20)]
    # the write that finds its session dead fails as "store away" (its consumer holds
    # the batch and retries); nothing of it is committed
    with pytest.raises(psycopg.OperationalError) as err:
        store.mentions.add(batch)
    assert is_unavailable(err.value)
    assert store.mentions.count() == before  # the read retried once on a fresh connection
    store.mentions.add(batch)  # the retry reopens the writer and its staging tables
    assert store.db.reconnects == 1
    assert store.mentions.count() == before + 10
    assert terminate(pg_url, name) >= 1
    beat = ProcessBeat("w1", "worker", "w1", "host", 1, T0, T0, {})
    with pytest.raises(psycopg.OperationalError):
        store.processes.beat(beat)  # any write on the writer: fails once, then reconnects
    store.processes.beat(beat)
    assert store.db.reconnects == 2 and [b.id for b in store.processes.list_processes()] == ["w1"]


def test_a_write_blocked_by_a_lock_fails_as_store_away(
    named_store: tuple[PostgresStore, str], pg_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    store, _ = named_store
    store.mentions.add([mention(0)])
    monkeypatch.setattr(postgres, "WRITE_LOCK_TIMEOUT", "200ms")
    store.db._writer.close()  # next use reopens with the patched timeout
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
            store.mentions.add([mention(1)])
        assert is_unavailable(err.value)
    finally:
        release.set()
        holder.join(10)
    store.mentions.add([mention(1)])  # the lock is gone: the same write goes through
    assert store.mentions.count() >= 2
