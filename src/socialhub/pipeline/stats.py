"""Per-stage counters: what each stage received, kept, dropped (by reason) and its time."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any


@dataclass
class StageStats:
    received: int = 0
    kept: int = 0
    dropped: Counter[str] = field(default_factory=Counter)
    quarantined: int = 0
    seconds: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        return {
            "received": self.received,
            "kept": self.kept,
            "dropped": dict(self.dropped),
            "quarantined": self.quarantined,
            "seconds": round(self.seconds, 4),
        }


class StatsCollector:
    def __init__(self) -> None:
        self.stages: dict[str, StageStats] = {}
        self.counters: Counter[str] = Counter()

    def stage(self, name: str) -> StageStats:
        return self.stages.setdefault(name, StageStats())

    def inc(self, key: str, n: int = 1) -> None:
        self.counters[key] += n

    def as_dict(self) -> dict[str, Any]:
        return {
            "stages": {k: v.as_dict() for k, v in self.stages.items()},
            "counters": dict(self.counters),
        }
