"""What the hub needs from a source of mentions (the connectors issue adds the coordinator)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Protocol

from socialhub.models import Mention

Emit = Callable[[Mention], Awaitable[None]]


class Source(Protocol):
    name: str

    async def run(self, emit: Emit, stop: asyncio.Event) -> None:
        """Emit normalised mentions until ``stop`` is set or the source ends."""
        ...
