"""What a connector leaves behind: dead-lettered payloads (cursors and health are JSON)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

# A dead letter keeps at most this much of the raw payload: enough to diagnose, and a
# hostile multi-megabyte body cannot fill the database.
MAX_DEAD_RAW = 256 * 1024


@dataclass(slots=True)
class DeadLetter:
    """A payload (or one item of it) that could not be parsed or normalised."""

    source: str
    reason: str
    raw: str
    location: str = ""
    created_at: datetime | None = None
    id: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "source": self.source,
            "reason": self.reason,
            "raw": self.raw,
            "location": self.location,
            "created_at": None if self.created_at is None else self.created_at.isoformat(),
        }
