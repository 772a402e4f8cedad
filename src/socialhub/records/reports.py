"""Report records: what the reports layer archives and logs.

Plain dataclasses with no dependency on the rest of the package (like
``records.alerts``), so the store reads and writes them without importing the report
builders. Times are aware UTC datetimes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

REPORT_KINDS = ("digest", "competitors", "crisis")
# pending: the slot is claimed, nothing built yet; built: HTML/PDF archived, not sent;
# sent: delivered to every recipient; failed: delivery gave up (see the delivery log).
REPORT_STATUSES = ("pending", "built", "sent", "failed")


@dataclass(slots=True)
class Report:
    """One built (or claimed) report. ``schedule`` is "" for an on-demand report."""

    workspace_id: int
    kind: str
    period_start: datetime
    period_end: datetime
    title: str
    schedule: str = ""
    status: str = "pending"
    data: dict[str, Any] = field(default_factory=dict)
    html: str = ""
    pdf: bytes | None = field(default=None, repr=False)
    created_at: datetime | None = None
    updated_at: datetime | None = None
    id: int | None = None

    def __post_init__(self) -> None:
        if self.status not in REPORT_STATUSES:
            raise ValueError(f"unknown report status {self.status!r}")

    def summary(self) -> dict[str, Any]:
        """What a listing shows (no HTML, no PDF)."""
        return {
            "id": self.id,
            "workspace_id": self.workspace_id,
            "kind": self.kind,
            "schedule": self.schedule,
            "period_start": self.period_start.isoformat(),
            "period_end": self.period_end.isoformat(),
            "title": self.title,
            "status": self.status,
            "pdf_bytes": len(self.pdf or b""),
            "created_at": self.created_at.isoformat() if self.created_at else None,
        }


@dataclass(slots=True)
class ReportDelivery:
    """One delivery of one report (all its recipients in one message): the delivery log."""

    report_id: int
    recipients: str  # comma-separated addresses
    status: str  # sent, failed
    attempts: int = 0
    error: str = ""
    at: datetime | None = None
    id: int | None = None
