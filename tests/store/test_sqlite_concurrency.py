"""SQLite under threads: one writer connection, per-thread readers, nothing lost."""

from __future__ import annotations

import threading

from socialhub.models import Engagement
from socialhub.store.sqlite import SqliteStore

from .helpers import mention, qid, workspace_with_queries

WRITERS, BATCHES, PER_BATCH, READERS = 4, 20, 25, 3


def test_threads_add_while_others_read(sqlite_store: SqliteStore) -> None:
    ws, (q,) = workspace_with_queries(sqlite_store, "group", "acme")
    errors: list[BaseException] = []
    done = threading.Event()
    seen: dict[int, list[int]] = {}

    def write(worker: int) -> None:
        try:
            for b in range(BATCHES):
                base = (worker * BATCHES + b) * PER_BATCH
                batch = [mention(base + i, query_ids=[qid(q)]) for i in range(PER_BATCH)]
                # every batch also re-collects a mention shared by all writers
                batch.append(mention(10**6, engagement=Engagement(likes=b)))
                sqlite_store.mentions.add(batch)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    def read(reader: int) -> None:
        counts = seen.setdefault(reader, [])
        try:
            while not done.is_set():
                counts.append(sqlite_store.mentions.count(workspace_id=ws.id))
                got = sqlite_store.mentions.get_mention("x:0")
                assert got is None or got.query_ids == [qid(q)]
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    writers = [threading.Thread(target=write, args=(w,)) for w in range(WRITERS)]
    readers = [threading.Thread(target=read, args=(r,)) for r in range(READERS)]
    for t in readers + writers:
        t.start()
    for t in writers:
        t.join()
    done.set()
    for t in readers:
        t.join()

    assert errors == []
    expected = WRITERS * BATCHES * PER_BATCH
    assert sqlite_store.mentions.count(workspace_id=ws.id) == expected
    assert sqlite_store.mentions.count() == expected + 1  # plus the shared mention, once
    # readers saw the data grow and never go back (committed batches stay visible)
    for counts in seen.values():
        assert counts and counts == sorted(counts)
        assert all(n % PER_BATCH == 0 for n in counts)  # a batch is seen whole or not at all
    assert len(sqlite_store.db._readers) >= READERS  # each reader thread had its own connection
    fts_rows = sqlite_store.db._rows("SELECT count(*) FROM mentions_fts")[0][0]
    assert fts_rows == expected + 1
