"""In-process bus specifics. The behaviour shared with NATS (delivery, fan-out, redelivery,
dead letters, lag) is in ``test_contract.py``, which runs on both buses."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from typing import Any

import pytest

from socialhub.bus import MemoryBus


def run(coro: Coroutine[Any, Any, Any]) -> Any:  # small helper: tests stay sync, the bus is async
    return asyncio.run(coro)


def test_publish_waits_while_the_slowest_group_is_full() -> None:
    async def main() -> tuple[bool, bool]:
        bus = MemoryBus(maxsize=3)
        sub = await bus.subscribe("s", "g")
        for i in range(3):
            await bus.publish("s", bytes([i]))
        blocked = asyncio.create_task(bus.publish("s", b"late"))
        await asyncio.sleep(0.05)
        was_blocked = not blocked.done()
        msgs = await sub.fetch(3, timeout=0.1)
        for m in msgs:
            await sub.ack(m)
        await asyncio.wait_for(blocked, 1.0)
        return was_blocked, blocked.done()

    assert run(main()) == (True, True)


@pytest.mark.parametrize("timeout", [0.0, 0.05])
def test_fetch_on_empty_subject_returns_nothing_after_timeout(timeout: float) -> None:
    async def main() -> int:
        bus = MemoryBus()
        sub = await bus.subscribe("s", "g")
        return len(await sub.fetch(5, timeout=timeout))

    assert run(main()) == 0
