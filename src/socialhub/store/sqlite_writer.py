"""Keeping SQLite's single writer responsive under bulk ingest.

A password change took over 5 s while the demo wrote to the same file. Two things made
a small web write wait far longer than one ingest transaction:

* **Lock order.** ``threading.Lock`` is not fair: a bulk writer that commits and asks
  again a moment later usually gets the lock back before a thread that was already
  waiting, batch after batch. :class:`FairLock` serves waiters first come, first
  served, so a web write waits for at most the transaction in progress.
* **Checkpoints on commit.** With ``wal_autocheckpoint``, the commit that crosses the
  threshold copies the whole WAL (tens of MB written by the ingest) into the database
  file and syncs it, inside the write lock; that commit was as likely a web write as an
  ingest batch. The writer connection has auto-checkpoints off; :class:`Checkpointer`
  runs ``PRAGMA wal_checkpoint(PASSIVE)`` on its own connection in a background thread
  when the WAL has grown, which copies pages without taking the write lock.

Measured by ``bench/bench_web_writes.py`` (results in bench/RESULTS.md).
"""

from __future__ import annotations

import contextlib
import sqlite3
import threading
from collections import deque
from pathlib import Path
from types import TracebackType

#: WAL size after which the background checkpoint runs (~40 MB, as the old autocheckpoint).
CHECKPOINT_BYTES = 40 * 1024 * 1024


class FairLock:
    """A FIFO mutex: ``acquire`` calls are served in the order they were made."""

    def __init__(self) -> None:
        self._cond = threading.Condition(threading.Lock())
        self._queue: deque[object] = deque()
        self._held = False

    def acquire(self) -> None:
        me = object()
        with self._cond:
            self._queue.append(me)
            while self._held or self._queue[0] is not me:
                self._cond.wait()
            self._queue.popleft()
            self._held = True

    def release(self) -> None:
        with self._cond:
            if not self._held:
                raise RuntimeError("release of an unlocked FairLock")
            self._held = False
            self._cond.notify_all()

    @property
    def waiting(self) -> int:
        """Threads queued for the lock (for tests and metrics)."""
        with self._cond:
            return len(self._queue)

    def __enter__(self) -> FairLock:
        self.acquire()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.release()


class Checkpointer:
    """Runs passive WAL checkpoints in a daemon thread when the WAL has grown.

    ``poke()`` is called after every commit (a ``stat`` of the WAL file, no I/O beyond
    it); the thread wakes only when the WAL is over ``threshold`` bytes.
    """

    def __init__(self, path: Path, threshold: int = CHECKPOINT_BYTES) -> None:
        self.wal = Path(f"{path}-wal")
        self.path = path
        self.threshold = threshold
        self.runs = 0
        self._wake = threading.Event()
        self._done = threading.Condition()
        self._stop = False
        self._thread: threading.Thread | None = None  # started the first time it is needed

    def poke(self) -> None:
        try:
            size = self.wal.stat().st_size
        except OSError:
            return
        if size >= self.threshold and not self._stop:
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._loop, name="sqlite-checkpoint", daemon=True
                )
                self._thread.start()
            self._wake.set()

    def _loop(self) -> None:
        conn: sqlite3.Connection | None = None
        try:
            while True:
                self._wake.wait()
                self._wake.clear()
                if self._stop:
                    return
                if conn is None:
                    conn = sqlite3.connect(self.path, isolation_level=None, timeout=30)
                # a busy or closing database: the next poke retries
                with contextlib.suppress(sqlite3.Error):
                    conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
                with self._done:
                    self.runs += 1
                    self._done.notify_all()
        finally:
            if conn is not None:
                conn.close()

    def wait_runs(self, runs: int, timeout: float = 30.0) -> bool:
        """Block until ``runs`` checkpoints have run (tests)."""
        with self._done:
            return self._done.wait_for(lambda: self.runs >= runs, timeout)

    def close(self) -> None:
        self._stop = True
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=30)
