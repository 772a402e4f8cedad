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

from socialhub.analytics.launch_spotter import LaunchSpotter, Proposal
from socialhub.analytics.params import Parametrised
from socialhub.analytics.stories.engine import StoryEngine
from socialhub.analytics.types import Signal
from socialhub.models import Mention
from socialhub.records.launches import LaunchRecord
from socialhub.store.base import LaunchStore
from socialhub.store.stories import StoryStore


class StoryDetector(Parametrised):
    """The engine as a (silent) detector; ``workspaces`` and ``lists`` are refreshed by
    the service like every detector's."""

    name = "stories"
    version = StoryEngine.version
    # its keywords are the engine's; the wiring it takes is declared here
    _context: ClassVar[frozenset[str]] = frozenset({"workspaces", "lists", "labels"})

    def __init__(self, **params: Any) -> None:
        spot = dict(params.pop("launches", None) or {})
        self.spot = bool(spot.pop("enabled", True))
        self.engine = StoryEngine(**params)
        self.spotter = LaunchSpotter(**spot)
        self._labels: dict[str, str] = {}

    def __setstate__(self, state: dict[str, Any]) -> None:
        """Checkpoints from before the launch spotter get one."""
        self.__dict__.update(state)
        if "spotter" not in state:
            self.spot, self.spotter, self._labels = True, LaunchSpotter(), {}

    @property
    def labels(self) -> dict[str, str]:
        return self._labels

    @labels.setter
    def labels(self, value: Mapping[str, str]) -> None:
        """The service's names (``query:<id>``): competitor queries are found by name."""
        self._labels = dict(value)
        names = {int(k[6:]): v for k, v in value.items() if k.startswith("query:")}
        self.spotter.competitors = LaunchSpotter.competitor_queries(names)

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
        self.spotter.rival_lists = frozenset(n for n, t in value.items() if t == "competitor")

    @property
    def accounts(self) -> frozenset[str]:
        return getattr(self.engine, "accounts", frozenset())

    @accounts.setter
    def accounts(self, value: frozenset[str]) -> None:
        self.engine.accounts = frozenset(value)

    @property
    def generic(self) -> dict[int, frozenset[str]]:
        return self.engine.generic

    @generic.setter
    def generic(self, value: Mapping[int, frozenset[str]]) -> None:
        """Each workspace's generic words (:mod:`.generic`), refreshed from the store."""
        self.engine.generic = value

    def update(self, mention: Mention) -> list[Signal]:
        keys = self.engine.update(mention)
        if self.spot:
            self.spotter.observe(mention, keys)
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


def save_proposals(proposals: list[Proposal], launches: LaunchStore) -> list[LaunchRecord]:
    """Store proposed launches (source ``auto``, out of the library until someone
    confirms them); the launch monitor then follows and judges them like the others."""
    out = []
    for p in proposals:
        at = p.at.replace(second=0, microsecond=0)
        slug = "".join(c if c.isalnum() else "-" for c in p.query_name.casefold()).strip("-")
        record = LaunchRecord(
            name=f"auto-{slug}-{at:%Y%m%d-%H%M}",
            query=p.query_name,
            launch_at=at,
            workspace_id=p.workspace_id or None,
            source="auto",
            in_library=False,
            notes=(
                f"Proposed from story {p.story_key}: {p.posts} posts, {p.launch_posts} with "
                f"launch words, first at {p.at.isoformat()}."
            ),
        )
        if launches.get_launch(record.name) is None:
            out.append(launches.save_launch(record))
    return out
