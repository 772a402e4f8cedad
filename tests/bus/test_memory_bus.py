"""In-process bus: at-least-once delivery, redelivery, dead letters, back-pressure."""

from __future__ import annotations

import asyncio

import pytest

from socialhub.bus import MemoryBus


def run(coro):  # small helper: tests stay sync, the bus is async
    return asyncio.run(coro)


def test_each_group_gets_every_message_once_and_workers_share_a_group() -> None:
    async def main() -> tuple[list[bytes], list[bytes], list[bytes]]:
        bus = MemoryBus()
        a1 = await bus.subscribe("s", "a")
        a2 = await bus.subscribe("s", "a")
        b = await bus.subscribe("s", "b")
        for i in range(10):
            await bus.publish("s", str(i).encode())
        got_a1 = await a1.fetch(4, timeout=0.1)
        got_a2 = await a2.fetch(100, timeout=0.1)
        got_b = await b.fetch(100, timeout=0.1)
        for sub, msgs in ((a1, got_a1), (a2, got_a2), (b, got_b)):
            for m in msgs:
                await sub.ack(m)
        return [m.data for m in got_a1], [m.data for m in got_a2], [m.data for m in got_b]

    a1, a2, b = run(main())
    assert len(a1) == 4
    assert sorted(a1 + a2) == sorted(str(i).encode() for i in range(10))
    assert b == [str(i).encode() for i in range(10)]


def test_unacked_message_is_redelivered_after_ack_wait() -> None:
    async def main() -> list[tuple[bytes, int]]:
        bus = MemoryBus()
        sub = await bus.subscribe("s", "g", ack_wait=0.05)
        await bus.publish("s", b"x")
        first = await sub.fetch(1, timeout=0.1)
        assert first and first[0].attempt == 1
        # not acked: comes back with attempt 2
        again = await sub.fetch(1, timeout=0.5)
        await sub.ack(again[0])
        assert sub.pending() == 0
        return [(m.data, m.attempt) for m in first + again]

    assert run(main()) == [(b"x", 1), (b"x", 2)]


def test_nak_past_max_deliver_goes_to_dead_letter_with_reason() -> None:
    async def main() -> tuple[bytes, dict[str, str]]:
        bus = MemoryBus()
        sub = await bus.subscribe("s", "g", max_deliver=2)
        dead = await bus.subscribe("dead.s", "ops")
        await bus.publish("s", b"poison")
        for _ in range(2):
            (msg,) = await sub.fetch(1, timeout=0.1)
            await sub.nak(msg, "cannot decode")
        assert await sub.fetch(1, timeout=0.05) == []
        (d,) = await dead.fetch(1, timeout=0.1)
        return d.data, d.headers

    data, headers = run(main())
    assert data == b"poison"
    assert headers["reason"] == "cannot decode"
    assert headers["attempts"] == "2"


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


def test_messages_published_before_any_subscriber_are_kept_for_the_first_group() -> None:
    async def main() -> list[bytes]:
        bus = MemoryBus()
        await bus.publish("s", b"early")
        sub = await bus.subscribe("s", "g")
        return [m.data for m in await sub.fetch(10, timeout=0.1)]

    assert run(main()) == [b"early"]


@pytest.mark.parametrize("timeout", [0.0, 0.05])
def test_fetch_on_empty_subject_returns_nothing_after_timeout(timeout: float) -> None:
    async def main() -> int:
        bus = MemoryBus()
        sub = await bus.subscribe("s", "g")
        return len(await sub.fetch(5, timeout=timeout))

    assert run(main()) == 0
