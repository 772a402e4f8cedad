"""The Enricher contract (Scrapy-style lifecycle: built from settings, open, process, close).

A stage that keeps state deciding what later batches drop (the exact-duplicate filter)
updates it in an optional ``commit(mentions)`` hook, which the consumer calls only after
the batch is committed: state must never claim something the store does not hold.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar, Protocol

from socialhub.models import Mention
from socialhub.pipeline.options import PipelineOptions

if TYPE_CHECKING:
    from socialhub.store.base import Store


class NotConfigured(Exception):
    """Raised by an enricher's ``from_settings`` to switch itself off, with the reason."""


@dataclass(slots=True)
class Dropped:
    """A mention a stage decided not to keep, with the reason (counted in the stats)."""

    mention: Mention
    reason: str


@dataclass(slots=True)
class Context:
    """What a stage may need from the hub: the store (config source) and its settings.

    ``settings`` is the ``[pipeline]`` table as given; stages read it typed, through
    :attr:`options` (checked: an unknown key or a wrong type is a ``ValueError``).
    """

    store: Store | None
    settings: dict[str, Any]
    # loaded once, shared by stages (e.g. the sentence encoder and its embedding cache)
    resources: dict[str, Any] = field(default_factory=dict)

    @property
    def options(self) -> PipelineOptions:
        """The settings typed, every default filled in (stages read it when built)."""
        return PipelineOptions.from_table(self.settings, where="[pipeline] settings")


class Enricher(Protocol):
    name: ClassVar[str]

    @classmethod
    def from_settings(cls, ctx: Context) -> Enricher:
        """Build the stage, or raise NotConfigured to switch it off."""
        ...

    def open(self) -> None: ...

    def process(self, batch: list[Mention]) -> list[Mention | Dropped]: ...

    def close(self) -> None: ...


class BaseEnricher:
    """Convenience base: no-op lifecycle, ``from_settings`` calling the constructor."""

    name: ClassVar[str] = "base"

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    @classmethod
    def from_settings(cls, ctx: Context) -> Enricher:
        return cls(ctx)

    def open(self) -> None:
        return None

    def process(self, batch: list[Mention]) -> list[Mention | Dropped]:
        return list(batch)

    def commit(self, mentions: Iterable[Mention]) -> None:
        """The batch holding ``mentions`` (kept, or dropped by a later stage) is
        committed. Optional hook: :meth:`Pipeline.commit` calls it when a stage has it."""
        return None

    def close(self) -> None:
        return None
