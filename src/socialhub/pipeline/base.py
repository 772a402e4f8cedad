"""The Enricher contract (Scrapy-style lifecycle: built from settings, open, process, close)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar, Protocol

from socialhub.models import Mention

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
    """What a stage may need from the hub: the store (config source) and its settings."""

    store: Store | None
    settings: dict[str, Any]
    # loaded once, shared by stages (e.g. the sentence encoder and its embedding cache)
    resources: dict[str, Any] = field(default_factory=dict)


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

    def close(self) -> None:
        return None
