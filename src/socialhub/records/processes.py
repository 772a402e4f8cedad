"""Scale-out bookkeeping: detector partition leases and process heartbeats."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(slots=True)
class PartitionLease:
    """One detector partition as stored (``state`` not loaded)."""

    partition: str
    owner: str
    lease_until: datetime
    saved_at: datetime | None
    state_bytes: int


@dataclass(slots=True)
class ProcessBeat:
    """The last heartbeat of one process (``id`` is unique per process run)."""

    id: str
    role: str
    name: str
    host: str
    pid: int
    started_at: datetime
    beat_at: datetime
    info: dict[str, Any] = field(default_factory=dict)
