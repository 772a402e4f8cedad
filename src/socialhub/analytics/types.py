"""What detectors emit and what the alerts layer consumes (the contract between them).

A detector reads the enriched stream on the stream's own clock (``Mention.created_at``,
never the wall clock) and emits a :class:`Signal` when something crosses its threshold.
The alerts layer turns signals into alert records (merging, cooldown, escalation),
attaches provenance and sends them; a signal alone is never shown to a user.
"""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from socialhub.models import Mention
from socialhub.records.signals import Signal


class Detector(Protocol):
    """Online: ``update`` per mention (stream order), ``advance`` when time moves on
    without mentions. State must pickle, so a detector survives a restart or moves to
    another process. Each implementation's docstring names the paper it implements."""

    name: str
    version: str

    def update(self, mention: Mention) -> list[Signal]: ...

    def advance(self, now: datetime) -> list[Signal]: ...
