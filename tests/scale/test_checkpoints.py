"""Partition leases, checkpoints and heartbeats (migration 0012) on both stores."""

from __future__ import annotations

from datetime import timedelta

from socialhub.models import utcnow
from socialhub.records.processes import ProcessBeat
from socialhub.store.base import Store


def test_a_lease_is_exclusive_until_it_expires_and_fences_checkpoints(store: Store) -> None:
    now = utcnow()
    soon = now + timedelta(seconds=30)
    assert store.checkpoints.claim_partition("workspace:1", "a", soon, now)
    assert store.checkpoints.claim_partition("workspace:1", "a", soon, now)  # renewing is fine
    assert not store.checkpoints.claim_partition("workspace:1", "b", soon, now)
    assert store.checkpoints.save_checkpoint("workspace:1", "a", b"state-a")
    assert not store.checkpoints.save_checkpoint("workspace:1", "b", b"state-b")  # not the owner
    assert store.checkpoints.load_checkpoint("workspace:1") == b"state-a"
    # after expiry another process takes it over; the old owner can no longer write
    later = now + timedelta(seconds=31)
    assert store.checkpoints.claim_partition(
        "workspace:1", "b", later + timedelta(seconds=30), later
    )
    assert not store.checkpoints.save_checkpoint("workspace:1", "a", b"stale")
    assert store.checkpoints.load_checkpoint("workspace:1") == b"state-a"
    (lease,) = store.checkpoints.list_partitions()
    assert (lease.partition, lease.owner, lease.state_bytes) == ("workspace:1", "b", 7)
    # a released partition is free at once, its checkpoint kept
    assert not store.checkpoints.release_partition("workspace:1", "a")
    assert store.checkpoints.release_partition("workspace:1", "b")
    assert store.checkpoints.claim_partition("workspace:1", "c", soon, now)
    assert store.checkpoints.load_checkpoint("workspace:1") == b"state-a"
    assert store.checkpoints.load_checkpoint("workspace:2") is None


def test_heartbeats_are_upserted_listed_and_forgotten(store: Store) -> None:
    t0 = utcnow().replace(microsecond=0)  # stores keep milliseconds
    beat = ProcessBeat("h:1:worker:x", "worker", "w1", "h", 1, t0, t0, {"stored": 1})
    store.processes.beat(beat)
    beat.beat_at, beat.info = t0 + timedelta(seconds=5), {"stored": 9}
    store.processes.beat(beat)
    store.processes.beat(
        ProcessBeat("h:2:detect:y", "detect", "d", "h", 2, t0, t0 - timedelta(hours=1))
    )
    (w,) = store.processes.list_processes("worker")
    assert w.info == {"stored": 9} and w.beat_at == t0 + timedelta(seconds=5)
    assert w.started_at == t0 and w.pid == 1
    assert [p.role for p in store.processes.list_processes()] == ["worker", "detect"]
    assert store.processes.prune_processes(t0 - timedelta(minutes=1)) == 1
    store.processes.forget_process("h:1:worker:x")
    assert store.processes.list_processes() == []
