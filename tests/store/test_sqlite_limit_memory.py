"""A bulk import's SQLite connections keep resident memory flat (issue 21, item 3): no
file map and a 64 MiB page cache on the writer and on every reader, opened before or
after the call; the import still writes and reads the same rows."""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from pathlib import Path

from socialhub.models import Author, Mention
from socialhub.store.sqlite import SqliteStore

T0 = datetime(2026, 3, 1, tzinfo=UTC)


def _pragmas(conn: object) -> tuple[int, int]:
    mmap = conn.execute("PRAGMA mmap_size").fetchone()[0]  # type: ignore[attr-defined]
    cache = conn.execute("PRAGMA cache_size").fetchone()[0]  # type: ignore[attr-defined]
    return int(mmap), int(cache)


def test_limit_memory_applies_to_the_writer_and_to_readers(tmp_path: Path) -> None:
    store = SqliteStore(f"sqlite:///{tmp_path / 'b.db'}")
    store.migrate()
    try:
        early = store.db._reader()  # opened before the call
        assert _pragmas(store.db._writer)[0] > 0
        store.limit_memory()
        assert _pragmas(store.db._writer) == (0, -65536)
        assert _pragmas(early) == (0, -65536)
        late: list[tuple[int, int]] = []
        thread = threading.Thread(target=lambda: late.append(_pragmas(store.db._reader())))
        thread.start()
        thread.join()
        assert late == [(0, -65536)]  # a reader opened afterwards, on another thread
        batch = [
            Mention("x", str(i), f"lot {i}", T0, author=Author("x", "a", "a"), raw={"i": i})
            for i in range(50)
        ]
        assert store.mentions.add(batch).inserted == 50
        assert store.mentions.count("lot") == 50
    finally:
        store.close()
