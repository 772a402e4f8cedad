"""What a detector emits and the alerts layer consumes: one firing, explained.

Below both (the records layer), so the alerts never import the analytics that feed them.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

TRENDS = ("rising", "still rising", "peaking", "falling back")


@dataclass(slots=True)
class Signal:
    """One detector firing, with everything needed to explain and replay it."""

    detector: str  # registry name, e.g. "volume"
    version: str  # bumped when the method or its defaults change
    key: str  # what it is about, stable across firings: "query:12", "term:panne", ...
    t: datetime  # stream time at which it fired (UTC)
    severity: int  # 1 (note) .. 10 (crisis)
    observed: float  # e.g. mentions in the window
    baseline: float  # what was expected
    threshold: float  # what ``observed`` had to exceed
    score: float  # the test statistic (z-score, log-likelihood ratio...)
    title: str  # one human sentence, in the workspace's language when known
    workspace_id: int | None = None
    query_id: int | None = None
    trend: str = "rising"  # one of TRENDS
    params: dict[str, Any] = field(default_factory=dict)  # the detector's settings
    evidence: list[str] = field(default_factory=list)  # mention ids behind it, first first
    extra: dict[str, Any] = field(default_factory=dict)  # detector-specific details

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["t"] = self.t.isoformat()
        return data
