"""On-call pages (issue 14, item 5): who was paged for which alert or incident.

``subject`` is ``"alert:<id>"`` or ``"incident:<id>"``; ``level`` the escalation step
(0: the person on call, 1: the next one...); ``target`` the person or route paged;
``channel`` how (``email``, ``webhook``...); ``status`` ``sent`` or ``failed``.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any


def subject_of(kind: str, ref_id: int) -> str:
    """``"alert:12"`` or ``"incident:3"``."""
    if kind not in ("alert", "incident"):
        raise ValueError(f"unknown on-call subject kind {kind!r}")
    return f"{kind}:{int(ref_id)}"


@dataclass(slots=True)
class Page:
    """One page sent (or tried) to one on-call target."""

    workspace_id: int
    subject: str
    level: int
    target: str
    channel: str
    status: str
    at: datetime
    error: str = ""
    id: int | None = None

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["at"] = self.at.isoformat()
        return data


__all__ = ["Page", "subject_of"]
