"""Detector checkpoints with partition leases, and process heartbeats (migration 0012).

Scale-out (issue 8) runs detectors partitioned by workspace: each partition's state
(a pickled :class:`~socialhub.analytics.detectors.runner.DetectorSet`) lives in the
store, owned by one detector process through a **lease** (``owner``, ``lease_until``).
A process claims a free or expired partition, renews its lease while it runs, and saves
checkpoints only while it still owns the lease (the owner test is the fencing token:
a process that lost its lease cannot overwrite its successor's state). So a partition
can move to another process or machine and resume with its baselines.

Every long-running process also writes a heartbeat row (role, name, host, pid, start,
last beat, a small JSON ``info``), which ``socialhub status`` reads.

SQL is written once with ``?`` placeholders; times go through ``self._ts``/``self._dt``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from socialhub.models import utcnow
from socialhub.records.processes import EPOCH, PartitionLease, ProcessBeat
from socialhub.store.convert import dump_json, load_json
from socialhub.store.sqlbase import Repo


class CheckpointRepo(Repo):
    """Table ``detector_checkpoints``: partition leases and their detector state."""

    # -- partitions ---------------------------------------------------------------------

    def claim_partition(
        self, partition: str, owner: str, until: datetime, now: datetime | None = None
    ) -> bool:
        """Take or renew the lease of ``partition`` until ``until``; True if ``owner``
        holds it now (it was free, expired, or already ``owner``'s)."""
        now = now or utcnow()
        with self._tx() as cur:
            got = self._one(
                cur,
                "INSERT INTO detector_checkpoints (partition, owner, lease_until, updated_at) "
                "VALUES (?, ?, ?, ?) ON CONFLICT (partition) DO UPDATE SET "
                "owner = excluded.owner, lease_until = excluded.lease_until, "
                "updated_at = excluded.updated_at "
                "WHERE detector_checkpoints.owner = excluded.owner "
                "OR detector_checkpoints.owner = '' "
                "OR detector_checkpoints.lease_until < excluded.updated_at "
                "RETURNING partition",
                (partition, owner, self._ts(until), self._ts(now)),
            )
        return got is not None

    def release_partition(self, partition: str, owner: str) -> bool:
        """Give the lease up (after a last checkpoint); False if ``owner`` did not hold it."""
        with self._tx() as cur:
            got = self._one(
                cur,
                "UPDATE detector_checkpoints SET owner = '', lease_until = ?, updated_at = ? "
                "WHERE partition = ? AND owner = ? RETURNING partition",
                (self._ts(EPOCH), self._now(), partition, owner),
            )
        return got is not None

    def save_checkpoint(self, partition: str, owner: str, state: bytes) -> bool:
        """Store the partition's state if ``owner`` still holds its lease."""
        with self._tx() as cur:
            got = self._one(
                cur,
                "UPDATE detector_checkpoints SET state = ?, saved_at = ?, updated_at = ? "
                "WHERE partition = ? AND owner = ? RETURNING partition",
                (state, self._now(), self._now(), partition, owner),
            )
        return got is not None

    def load_checkpoint(self, partition: str) -> bytes | None:
        rows = self._rows("SELECT state FROM detector_checkpoints WHERE partition = ?", [partition])
        if not rows or rows[0][0] is None:
            return None
        return bytes(rows[0][0])

    def list_partitions(self) -> list[PartitionLease]:
        rows = self._rows(
            "SELECT partition, owner, lease_until, saved_at, coalesce(length(state), 0) "
            "FROM detector_checkpoints ORDER BY partition"
        )
        return [
            PartitionLease(
                str(p),
                str(o),
                self._dt(until),
                None if saved is None else self._dt(saved),
                int(size),
            )
            for p, o, until, saved, size in rows
        ]


class ProcessRepo(Repo):
    """Table ``process_heartbeats``: one row per running process (``socialhub status``)."""

    def beat(self, beat: ProcessBeat) -> None:
        """Insert or refresh one process's heartbeat row."""
        with self._tx() as cur:
            cur.execute(
                self._sql(
                    "INSERT INTO process_heartbeats "
                    "(id, role, name, host, pid, started_at, beat_at, info) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET "
                    "beat_at = excluded.beat_at, info = excluded.info"
                ),
                (
                    beat.id,
                    beat.role,
                    beat.name,
                    beat.host,
                    beat.pid,
                    self._ts(beat.started_at),
                    self._ts(beat.beat_at),
                    dump_json(beat.info),
                ),
            )

    def list_processes(self, role: str | None = None) -> list[ProcessBeat]:
        """Heartbeats, newest beat first (``role`` filters)."""
        sql = "SELECT id, role, name, host, pid, started_at, beat_at, info FROM process_heartbeats"
        params: list[Any] = []
        if role:
            sql += " WHERE role = ?"
            params.append(role)
        rows = self._rows(sql + " ORDER BY beat_at DESC, id", params)
        return [
            ProcessBeat(
                str(i),
                str(r),
                str(n),
                str(h),
                int(p),
                self._dt(s),
                self._dt(b),
                dict(load_json(info) or {}),
            )
            for i, r, n, h, p, s, b, info in rows
        ]

    def forget_process(self, process_id: str) -> None:
        """Remove a heartbeat row (a process that stopped cleanly)."""
        with self._tx() as cur:
            cur.execute(self._sql("DELETE FROM process_heartbeats WHERE id = ?"), (process_id,))

    def prune_processes(self, beat_before: datetime) -> int:
        """Remove heartbeats older than ``beat_before`` (long-dead processes)."""
        with self._tx() as cur:
            cur.execute(
                self._sql("DELETE FROM process_heartbeats WHERE beat_at < ? RETURNING id"),
                (self._ts(beat_before),),
            )
            return len(cur.fetchall())
