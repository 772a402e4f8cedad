"""The hash-chain store on both back ends: append, read, verify, tamper, concurrency."""

from __future__ import annotations

import sqlite3
import threading
from datetime import UTC, datetime, timedelta

import psycopg
import pytest

from socialhub.records.chain import genesis_hash, verify
from socialhub.store.chain import ChainRepo
from socialhub.store.postgres import PostgresStore
from socialhub.store.sqlite import SqliteStore

T0 = datetime(2026, 12, 6, 8, 0, 0, 123456, tzinfo=UTC)


def _fill(repo: ChainRepo, chain: str = "audit", n: int = 5) -> None:
    for i in range(n):
        repo.append(
            chain,
            f"user{i}",
            "draft.created",
            f"draft:{i}",
            {"text": f"Réponse n°{i} <b>", "score": 0.5 + i, "tags": ["a", "b"]},
            at=T0 + timedelta(seconds=i),
        )


def _tamper(store: SqliteStore | PostgresStore, sql: str, params: tuple[object, ...]) -> None:
    """Change a row behind the store's back, as someone with database access could."""
    if isinstance(store, SqliteStore):
        conn = sqlite3.connect(store.path, isolation_level=None)
        try:
            conn.execute("DROP TRIGGER IF EXISTS chain_entries_no_update")
            conn.execute("DROP TRIGGER IF EXISTS chain_entries_no_delete")
            conn.execute(sql.replace("%s", "?"), params)
        finally:
            conn.close()
    else:
        with psycopg.connect(store.url, autocommit=True) as conn, conn.transaction():
            conn.execute("SET LOCAL session_replication_role = replica")  # triggers off
            conn.execute(sql, params)


def test_appended_entries_link_and_read_back(store: SqliteStore | PostgresStore) -> None:
    repo = store.chain
    _fill(repo, n=3)
    entries = list(repo.iter_entries("audit"))
    assert [e.seq for e in entries] == [1, 2, 3]
    assert entries[0].prev_hash == genesis_hash("audit")
    assert entries[1].prev_hash == entries[0].entry_hash
    assert entries[0].at == datetime(2026, 12, 6, 8, 0, 0, 123000, tzinfo=UTC)
    assert entries[2].payload == {"text": "Réponse n°2 <b>", "score": 2.5, "tags": ["a", "b"]}
    assert verify(entries) is None
    assert repo.verify("audit") is None
    head = repo.head("audit")
    assert head is not None and head.entry_hash == entries[-1].entry_hash
    assert repo.for_subject("draft:1")[0].actor == "user1"
    assert [e.seq for e in repo.entries("audit", limit=2)] == [3, 2]


def test_chains_are_separate(store: SqliteStore | PostgresStore) -> None:
    repo = store.chain
    _fill(repo, "audit", 2)
    _fill(repo, "custody:case-1", 3)
    assert repo.chains() == ["audit", "custody:case-1"]
    assert repo.chains("custody:") == ["custody:case-1"]
    custody = list(repo.iter_entries("custody:case-1"))
    assert [e.seq for e in custody] == [1, 2, 3]
    assert custody[0].prev_hash == genesis_hash("custody:case-1")
    assert repo.verify(prefix="") is None


def test_store_refuses_update_and_delete(store: SqliteStore | PostgresStore) -> None:
    repo = store.chain
    _fill(repo, n=2)
    errors = (sqlite3.DatabaseError, psycopg.Error)
    with pytest.raises(errors, match="append-only"), store.db._tx() as cur:
        cur.execute("UPDATE chain_entries SET actor = 'mallory'")
    with pytest.raises(errors, match="append-only"), store.db._tx() as cur:
        cur.execute("DELETE FROM chain_entries")
    if isinstance(store, PostgresStore):
        with pytest.raises(errors, match="append-only"), store.db._tx() as cur:
            cur.execute("TRUNCATE chain_entries")
    assert repo.verify("audit") is None
    assert [e.actor for e in repo.iter_entries("audit")] == ["user0", "user1"]


@pytest.mark.parametrize(
    ("sql", "params", "reason"),
    [
        ("UPDATE chain_entries SET payload = %s WHERE seq = 3", ('{"text":"autre"}',), "content"),
        ("UPDATE chain_entries SET actor = %s WHERE seq = 3", ("mallory",), "content"),
        ("DELETE FROM chain_entries WHERE seq = %s", (3,), "missing"),
        (
            "UPDATE chain_entries SET entry_hash = %s WHERE seq = 3",
            ("0" * 64,),
            "content",
        ),
    ],
)
def test_tampering_with_one_row_names_it(
    store: SqliteStore | PostgresStore, sql: str, params: tuple[object, ...], reason: str
) -> None:
    repo = store.chain
    _fill(repo, n=5)
    row_ids = {e.seq: e.id for e in repo.iter_entries("audit")}
    _tamper(store, sql, params)
    broken = repo.verify("audit")
    assert broken is not None
    assert reason in broken.reason
    if reason == "missing":  # the row after the hole is the first that fails
        assert (broken.seq, broken.id) == (4, row_ids[4])
    else:
        assert (broken.seq, broken.id) == (3, row_ids[3])
    assert f"row id {row_ids[broken.seq]}" in broken.describe()


def test_append_inside_a_failed_transaction_leaves_nothing(
    store: SqliteStore | PostgresStore,
) -> None:
    repo = store.chain
    _fill(repo, n=1)
    with pytest.raises(RuntimeError), store.db._tx() as cur:
        repo.append_in(cur, "audit", "bob", "draft.approved", "draft:0", {}, at=T0)
        raise RuntimeError("the action failed after its audit line")
    assert [e.seq for e in repo.iter_entries("audit")] == [1]
    assert repo.append("audit", "bob", "x", "y", at=T0).seq == 2


def test_concurrent_writers_on_postgres_never_fork_the_chain(pg_store: PostgresStore) -> None:
    others = [PostgresStore(pg_store.url) for _ in range(3)]
    try:
        repos = [s.chain for s in (pg_store, *others)]

        def work(repo: ChainRepo, n: int) -> None:
            for i in range(15):
                repo.append("audit", f"w{n}", "x", f"s{i}", {"i": i}, at=T0)

        threads = [threading.Thread(target=work, args=(r, n)) for n, r in enumerate(repos)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        for s in others:
            s.close()
    entries = list(pg_store.chain.iter_entries("audit"))
    assert [e.seq for e in entries] == list(range(1, 61))
    assert verify(entries) is None
