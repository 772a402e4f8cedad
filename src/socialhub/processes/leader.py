"""One active report scheduler at a time: a leadership lock, then the usual scheduler.

The report scheduler already claims each slot in the ``reports`` table, so a report
already *sent* is never sent again; but two schedulers running the same slot at the
same moment could both build and send it. So ``socialhub scheduler-service`` runs due
schedules only while it holds the leadership:

* PostgreSQL: a session-level advisory lock (``pg_try_advisory_lock``) on a connection
  of its own. The server frees it when that connection dies (process killed, machine
  gone), so a standby scheduler takes over at its next try; no lease to tune.
* SQLite (one machine by nature): an exclusive ``flock`` on ``<db>.scheduler.lock``,
  freed by the kernel when the process dies.
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
from pathlib import Path
from typing import IO, Any, Protocol

log = logging.getLogger(__name__)

SCHEDULER_LOCK = 0x50C1A1 + 8  # advisory lock key (the migration lock is 0x50C1A1)


class Leadership(Protocol):
    def acquire(self) -> bool:
        """Take the lock if free; True while this process holds it (idempotent)."""
        ...

    def release(self) -> None: ...


class PgAdvisoryLeader:
    def __init__(self, url: str, key: int = SCHEDULER_LOCK) -> None:
        self.url = url
        self.key = key
        self._conn: Any = None
        self.held = False

    def acquire(self) -> bool:
        import psycopg

        try:
            if self._conn is None or self._conn.closed:
                self.held = False
                self._conn = psycopg.connect(self.url, autocommit=True, connect_timeout=5)
            if self.held:
                self._conn.execute("SELECT 1")  # still connected, so still holding it
                return True
            row = self._conn.execute("SELECT pg_try_advisory_lock(%s)", (self.key,)).fetchone()
            self.held = bool(row and row[0])
        except psycopg.Error as exc:
            log.warning("scheduler lock: %r", exc)
            self._drop()
        return self.held

    def _drop(self) -> None:
        self.held = False
        if self._conn is not None:
            with contextlib.suppress(Exception):
                self._conn.close()
        self._conn = None

    def release(self) -> None:
        if self._conn is not None and self.held:
            with contextlib.suppress(Exception):
                self._conn.execute("SELECT pg_advisory_unlock(%s)", (self.key,))
        self._drop()


class FileLeader:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._fh: IO[bytes] | None = None

    def acquire(self) -> bool:
        if self._fh is not None:
            return True
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fh = self.path.open("ab")
        try:
            fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            fh.close()
            return False
        fh.truncate(0)
        fh.write(f"{os.getpid()}\n".encode())
        fh.flush()
        self._fh = fh
        return True

    def release(self) -> None:
        if self._fh is not None:
            with contextlib.suppress(OSError):
                fcntl.flock(self._fh.fileno(), fcntl.LOCK_UN)
            self._fh.close()
            self._fh = None


def leadership_for(db_url: str) -> Leadership:
    """The right lock for a database URL."""
    if db_url.startswith(("postgresql://", "postgres://")):
        return PgAdvisoryLeader(db_url)
    if db_url.startswith("sqlite:///"):
        return FileLeader(Path(db_url[len("sqlite:///") :] + ".scheduler.lock"))
    raise ValueError(f"no scheduler lock for {db_url!r}")
