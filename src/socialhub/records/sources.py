"""What a connector leaves behind: dead-lettered payloads (cursors and health are JSON)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

# A dead letter keeps at most this much of the raw payload: enough to diagnose, and a
# hostile multi-megabyte body cannot fill the database.
MAX_DEAD_RAW = 256 * 1024


@dataclass(slots=True)
class DeadLetter:
    """A payload (or one item of it) that could not be parsed or normalised.

    ``reason`` is the English text; ``reason_code`` and ``reason_params`` let it be shown
    in the reader's language (:mod:`socialhub.records.quarantine`). A reason built as a
    ``Reason`` fills them itself; rows stored before codes existed have none.
    """

    source: str
    reason: str
    raw: str
    location: str = ""
    created_at: datetime | None = None
    id: int | None = None
    reason_code: str = ""
    reason_params: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        code = getattr(self.reason, "code", None)  # a records.quarantine.Reason
        if not self.reason_code and isinstance(code, str):
            self.reason_code = code
            self.reason_params = dict(getattr(self.reason, "params", None) or {})

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "source": self.source,
            "reason": str(self.reason),
            "reason_code": self.reason_code,
            "raw": self.raw,
            "location": self.location,
            "created_at": None if self.created_at is None else self.created_at.isoformat(),
        }
