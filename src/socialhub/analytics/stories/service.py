"""The story engine inside the live detector service, and its writes to the store.

:class:`StoryDetector` wraps a :class:`~socialhub.analytics.stories.engine.StoryEngine`
in the detector interface (``update``/``advance``, no signals), so the detector service
keeps it in its :class:`~socialhub.analytics.detectors.runner.DetectorSet` under
``"stories"`` and checkpoints it with the other detectors; :func:`flush` writes what
changed through the :class:`~socialhub.store.stories.StoryStore` after each batch.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any, ClassVar

from socialhub.analytics.params import Parametrised
from socialhub.analytics.stories.engine import StoryEngine
from socialhub.analytics.types import Signal
from socialhub.models import Mention
from socialhub.store.stories import StoryStore


class StoryDetector(Parametrised):
    """The engine as a (silent) detector; ``workspaces`` and ``lists`` are refreshed by
    the service like every detector's."""

    name = "stories"
    version = StoryEngine.version
    # its keywords are the engine's; the wiring it takes is declared here
    _context: ClassVar[frozenset[str]] = frozenset({"workspaces", "lists"})

    def __init__(self, **params: Any) -> None:
        self.engine = StoryEngine(**params)

    @property
    def workspaces(self) -> dict[int, int]:
        return self.engine.workspaces

    @workspaces.setter
    def workspaces(self, value: Mapping[int, int]) -> None:
        self.engine.workspaces = dict(value)

    @property
    def lists(self) -> dict[str, str]:
        return self.engine.lists

    @lists.setter
    def lists(self, value: Mapping[str, str]) -> None:
        self.engine.lists = dict(value)

    @property
    def accounts(self) -> frozenset[str]:
        return getattr(self.engine, "accounts", frozenset())

    @accounts.setter
    def accounts(self, value: frozenset[str]) -> None:
        self.engine.accounts = frozenset(value)

    def update(self, mention: Mention) -> list[Signal]:
        self.engine.update(mention)
        return []

    def advance(self, now: datetime) -> list[Signal]:
        return []


def flush(engine: StoryEngine, repo: StoryStore) -> int:
    """Write the stories changed since the last flush; returns how many."""
    records, members, merges = engine.drain()
    if records or members:
        repo.save(records, members)
    for ws, old, new in merges:
        repo.merge(ws, old, new)
    return len(records)
