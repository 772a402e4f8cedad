"""The competitor launch monitor's measured launches (table ``launches``)."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

# who entered it: an analyst, the demo simulator's seed, or the launch spotter (a story)
SOURCES = ("user", "demo", "auto")


OUTCOMES = ("buzz", "fizzle", "mixed")


@dataclass(slots=True)
class LaunchRecord:
    """A launch (a query and a time) and, once measured, its curve and metrics.

    ``curve`` and ``metrics`` are the JSON forms of
    :class:`socialhub.analytics.launches.Curve` and ``LaunchReport.summary()``;
    ``score`` is copied out of ``metrics`` so the library can be ranked in SQL.
    ``outcome`` is a known verdict (ground truth), when someone knows it.
    """

    name: str
    query: str
    launch_at: datetime
    workspace_id: int | None = None
    brand_query: str = ""
    window_s: int = 6 * 3600
    bucket_s: int = 1800
    source: str = "user"
    outcome: str | None = None
    in_library: bool = True
    curve: dict[str, Any] | None = None
    metrics: dict[str, Any] | None = None
    score: float | None = None
    notes: str = ""
    created_at: datetime | None = None
    updated_at: datetime | None = None
    id: int | None = None
    extra: dict[str, Any] = field(default_factory=dict)  # not stored: caller's scratch

    def to_dict(self) -> dict[str, Any]:
        data = dataclasses.asdict(self)
        data.pop("extra")
        for key in ("launch_at", "created_at", "updated_at"):
            if data[key] is not None:
                data[key] = data[key].isoformat()
        return data
