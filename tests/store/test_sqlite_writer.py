"""SQLite's single writer under bulk ingest: waiters are served in order (a web write
waits for one ingest transaction, not for a stream of them) and WAL checkpoints run in
a background thread, never inside a commit. Correctness only; latency is benchmarked
in bench/bench_web_writes.py."""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from pathlib import Path

from socialhub.models import Author, Mention, User
from socialhub.store.sqlite import SqliteStore
from socialhub.store.sqlite_writer import FairLock

T0 = datetime(2026, 3, 1, tzinfo=UTC)


def _wait_for(predicate: object, what: str) -> None:
    """Poll a condition (bounded), without assuming how long anything takes."""
    tick = threading.Event()
    for _ in range(30_000):
        if predicate():  # type: ignore[operator]
            return
        tick.wait(0.001)
    raise AssertionError(f"never happened: {what}")


def test_fair_lock_serves_waiters_in_order() -> None:
    lock, order = FairLock(), []
    lock.acquire()
    order.append("bulk-1")

    def web() -> None:
        with lock:
            order.append("web")

    t = threading.Thread(target=web)
    t.start()
    _wait_for(lambda: lock.waiting == 1, "the web write queued")
    lock.release()
    lock.acquire()  # the bulk writer asks again at once: it must queue behind the web write
    order.append("bulk-2")
    lock.release()
    t.join(10)
    assert order == ["bulk-1", "web", "bulk-2"]


def _batch(start: int, n: int) -> list[Mention]:
    return [
        Mention("x", str(i), f"mirabelle lot {i}", T0, author=Author("x", "a", "a"), raw={"i": i})
        for i in range(start, start + n)
    ]


def test_a_web_write_completes_while_a_bulk_writer_is_active(tmp_path: Path) -> None:
    store = SqliteStore(f"sqlite:///{tmp_path / 'w.db'}")
    store.migrate()
    user = store.accounts.upsert_user(User("bob", "Bob", "", "old-hash"))
    stop, batches = threading.Event(), [0]

    def bulk() -> None:  # back-to-back write transactions, no pause between them
        n = 0
        while not stop.is_set():
            store.mentions.add(_batch(n, 200))
            n += 200
            batches[0] += 1

    writer = threading.Thread(target=bulk)
    writer.start()
    try:
        _wait_for(lambda: batches[0] >= 2, "the bulk writer is writing")
        store.accounts.set_user_password(user.id or 0, "new-hash", end_sessions=True)
        assert store.accounts.get_user("bob").password_hash == "new-hash"  # type: ignore[union-attr]
        # the bulk writer was still going: the web write did not wait for it to finish
        assert not stop.is_set() and writer.is_alive()
    finally:
        stop.set()
        writer.join(60)
        store.close()


def test_checkpoints_run_in_the_background_not_in_commits(tmp_path: Path) -> None:
    store = SqliteStore(f"sqlite:///{tmp_path / 'c.db'}")
    store.migrate()
    try:
        auto = store.db._writer.execute("PRAGMA wal_autocheckpoint").fetchone()[0]
        assert auto == 0  # no commit ever copies the WAL into the database
        store.db._checkpointer.threshold = 1  # any WAL now triggers the background thread
        store.mentions.add(_batch(0, 50))
        assert store.db._checkpointer.wait_runs(1)
        busy, frames, done = store.db._writer.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
        assert busy == 0 and frames == done  # nothing left behind
    finally:
        store.close()
