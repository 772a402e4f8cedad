"""The Bus contract, run on every implementation: the in-process bus and NATS JetStream.

Each test runs once per bus (ids ``[memory]`` and ``[nats]``). The NATS variant uses the
server at ``$SOCIALHUB_TEST_NATS`` (default ``nats://127.0.0.1:4222``) with a unique
stream prefix per test, and deletes its streams afterwards. If NATS cannot be reached the
NATS variant FAILS with the reason: a missing server must not pass as green.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import socket
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine
from typing import Any
from urllib.parse import urlsplit

import pytest

from socialhub.bus import Bus, MemoryBus, Subscription
from socialhub.bus.nats import NatsBus

NATS_URL = os.environ.get("SOCIALHUB_TEST_NATS", "nats://127.0.0.1:4222")
# back-pressure bounds: the memory bus's queue, the NATS bus's publishes awaiting a PubAck
MEMORY_BOUND = 64
NATS_INFLIGHT = 8

BusFactory = Callable[[], contextlib.AbstractAsyncContextManager[Bus]]


def run(coro: Coroutine[Any, Any, Any]) -> Any:  # tests stay sync, the bus is async
    return asyncio.run(coro)


def nats_reachable(url: str) -> None:
    parts = urlsplit(url)
    host, port = parts.hostname or "127.0.0.1", parts.port or 4222
    try:
        socket.create_connection((host, port), timeout=2).close()
    except OSError as exc:
        pytest.fail(
            f"NATS is not reachable at {host}:{port} ({exc}); start it with "
            "scripts/services.sh (nats-server -js)",
            pytrace=False,
        )


@contextlib.asynccontextmanager
async def memory_bus() -> AsyncIterator[Bus]:
    bus = MemoryBus(maxsize=MEMORY_BOUND)
    try:
        yield bus
    finally:
        await bus.close()


@contextlib.asynccontextmanager
async def nats_bus() -> AsyncIterator[Bus]:
    bus = NatsBus(
        NATS_URL, prefix=f"t{uuid.uuid4().hex[:10]}", max_inflight=NATS_INFLIGHT, lag_refresh=0.2
    )
    try:
        await bus.connect()
        yield bus
    finally:
        await bus.close()  # subscriptions and their lag refreshers stop first
        await bus.delete_streams()
        await bus.close()


@pytest.fixture(params=["memory", "nats"])
def open_bus(request: pytest.FixtureRequest) -> BusFactory:
    if request.param == "nats":
        nats_reachable(NATS_URL)
        return nats_bus
    return memory_bus


async def eventually(check: Callable[[], bool], timeout: float = 3.0) -> bool:
    """Lag is read from the server in the NATS bus: give it time to converge."""
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            return False
        await asyncio.sleep(0.02)
    return True


async def drain(sub: Subscription, want: int, timeout: float = 5.0) -> list[bytes]:
    """Fetch and ack until ``want`` messages arrived (or time runs out)."""
    got: list[bytes] = []
    deadline = time.monotonic() + timeout
    while len(got) < want and time.monotonic() < deadline:
        for m in await sub.fetch(100, timeout=0.2):
            got.append(m.data)
            await sub.ack(m)
    return got


def each(coro_fn: Callable[[Bus], Awaitable[Any]], factory: BusFactory) -> Any:
    async def main() -> Any:
        async with factory() as bus:
            # a contract break must fail the test, not hang the run
            return await asyncio.wait_for(coro_fn(bus), 30.0)

    return run(main())


# -- delivery ---------------------------------------------------------------------------


def test_published_message_is_fetched_with_headers_and_acked(open_bus: BusFactory) -> None:
    async def main(bus: Bus) -> tuple[list[tuple[str, bytes, int, dict[str, str]]], int]:
        sub = await bus.subscribe("mentions.raw", "pipeline")
        await bus.publish("mentions.raw", b"hello", {"source": "demo"})
        msgs = await sub.fetch(10, timeout=1.0)
        for m in msgs:
            await sub.ack(m)
        again = await sub.fetch(10, timeout=0.3)  # acked: never delivered again
        return [(m.subject, m.data, m.attempt, m.headers) for m in msgs], len(again)

    msgs, again = each(main, open_bus)
    assert msgs == [("mentions.raw", b"hello", 1, {"source": "demo"})]
    assert again == 0


def test_each_group_gets_every_message_in_order(open_bus: BusFactory) -> None:
    async def main(bus: Bus) -> tuple[list[bytes], list[bytes]]:
        a = await bus.subscribe("mentions.stored", "alerts")
        b = await bus.subscribe("mentions.stored", "web")
        for i in range(10):
            await bus.publish("mentions.stored", str(i).encode())
        return await drain(a, 10), await drain(b, 10)

    a, b = each(main, open_bus)
    expected = [str(i).encode() for i in range(10)]
    assert a == expected
    assert b == expected


def test_two_consumers_in_one_group_split_the_work(open_bus: BusFactory) -> None:
    async def main(bus: Bus) -> tuple[list[bytes], list[bytes], list[bytes]]:
        w1 = await bus.subscribe("mentions.raw", "pipeline")
        w2 = await bus.subscribe("mentions.raw", "pipeline")
        for i in range(10):
            await bus.publish("mentions.raw", str(i).encode())
        got1 = await w1.fetch(4, timeout=1.0)
        got2 = await w2.fetch(100, timeout=1.0)
        for sub, msgs in ((w1, got1), (w2, got2)):
            for m in msgs:
                await sub.ack(m)
        leftover = await w1.fetch(100, timeout=0.3) + await w2.fetch(100, timeout=0.3)
        return [m.data for m in got1], [m.data for m in got2], [m.data for m in leftover]

    got1, got2, leftover = each(main, open_bus)
    assert len(got1) == 4
    assert sorted(got1 + got2) == sorted(str(i).encode() for i in range(10))
    assert leftover == []


def test_messages_published_before_any_subscriber_reach_the_first_group(
    open_bus: BusFactory,
) -> None:
    async def main(bus: Bus) -> list[bytes]:
        await bus.publish("alerts", b"early")
        sub = await bus.subscribe("alerts", "notifier")
        return await drain(sub, 1)

    assert each(main, open_bus) == [b"early"]


def test_a_tail_group_sees_only_new_messages_and_never_holds_publishers(
    open_bus: BusFactory,
) -> None:
    async def main(bus: Bus) -> tuple[list[bytes], list[bytes]]:
        work = await bus.subscribe("mentions.stored", "alerts")  # a real consumer
        await bus.publish("mentions.stored", b"old")
        await drain(work, 1)
        tail = await bus.subscribe("mentions.stored", "live-web-1", tail=True)
        # more than the memory bus's bound, never fetched by the tail group: the
        # publisher must not wait on it (a stalled web server cannot stop the pipeline)
        n = MEMORY_BOUND + 10
        for i in range(n):
            await bus.publish("mentions.stored", str(i).encode())
            await drain(work, 1, timeout=2.0)
        got = await drain(tail, n)
        return got[:1], got[-1:]

    first, last = each(main, open_bus)
    assert last == [str(MEMORY_BOUND + 9).encode()]
    assert first != [b"old"]  # published before the tail group existed: not replayed


def test_fetch_on_an_empty_subject_returns_nothing_after_its_timeout(
    open_bus: BusFactory,
) -> None:
    async def main(bus: Bus) -> tuple[int, float]:
        sub = await bus.subscribe("alerts", "notifier")
        t0 = time.monotonic()
        n = len(await sub.fetch(5, timeout=0.3))
        return n, time.monotonic() - t0

    n, took = each(main, open_bus)
    assert n == 0
    assert took >= 0.25  # it waited for its timeout (no upper bound: the machine may be loaded)


# -- redelivery and dead letters ------------------------------------------------------


def test_unacked_message_is_redelivered_after_ack_wait(open_bus: BusFactory) -> None:
    async def main(bus: Bus) -> list[tuple[bytes, int]]:
        sub = await bus.subscribe("mentions.raw", "pipeline", ack_wait=0.3)
        await bus.publish("mentions.raw", b"x")
        first = await sub.fetch(1, timeout=1.0)
        again = await sub.fetch(1, timeout=2.0)  # not acked: comes back
        for m in again:
            await sub.ack(m)
        return [(m.data, m.attempt) for m in first + again]

    assert each(main, open_bus) == [(b"x", 1), (b"x", 2)]


def test_nak_redelivers_with_the_next_attempt_number(open_bus: BusFactory) -> None:
    async def main(bus: Bus) -> list[tuple[bytes, int]]:
        sub = await bus.subscribe("mentions.raw", "pipeline", ack_wait=30)
        await bus.publish("mentions.raw", b"retry me")
        (first,) = await sub.fetch(1, timeout=1.0)
        await sub.nak(first, "store error")
        t0 = time.monotonic()
        again = await sub.fetch(1, timeout=2.0)
        assert time.monotonic() - t0 < 1.5, "a nak must not wait for ack_wait"
        for m in again:
            await sub.ack(m)
        return [(m.data, m.attempt) for m in [first, *again]]

    assert each(main, open_bus) == [(b"retry me", 1), (b"retry me", 2)]


def test_nak_on_the_last_attempt_dead_letters_with_reason_and_attempts(
    open_bus: BusFactory,
) -> None:
    async def main(bus: Bus) -> tuple[int, list[tuple[str, bytes, dict[str, str]]]]:
        sub = await bus.subscribe("mentions.raw", "pipeline", max_deliver=2)
        dead = await bus.subscribe("dead.mentions.raw", "ops")
        await bus.publish("mentions.raw", b"poison", {"id": "m1"})
        for _ in range(2):
            (msg,) = await sub.fetch(1, timeout=1.0)
            await sub.nak(msg, "cannot decode")
        after = len(await sub.fetch(1, timeout=0.3))
        dl = await dead.fetch(10, timeout=1.0)
        return after, [(d.subject, d.data, d.headers) for d in dl]

    after, dead = each(main, open_bus)
    assert after == 0
    assert len(dead) == 1
    subject, data, headers = dead[0]
    assert (subject, data) == ("dead.mentions.raw", b"poison")
    assert headers["reason"] == "cannot decode"
    assert headers["attempts"] == "2"
    assert headers["id"] == "m1"  # the original headers travel with it


def test_last_attempt_not_acked_in_time_dead_letters_too(open_bus: BusFactory) -> None:
    async def main(bus: Bus) -> tuple[int, list[dict[str, str]], int]:
        sub = await bus.subscribe("mentions.raw", "pipeline", ack_wait=0.3, max_deliver=1)
        dead = await bus.subscribe("dead.mentions.raw", "ops")
        await bus.publish("mentions.raw", b"slow")
        assert len(await sub.fetch(1, timeout=1.0)) == 1  # never acked
        after = len(await sub.fetch(1, timeout=1.5))
        dl = await dead.fetch(10, timeout=1.0)
        settled = await eventually(lambda: sub.pending() == 0)
        return after, [d.headers for d in dl], int(settled)

    after, headers, settled = each(main, open_bus)
    assert after == 0
    assert len(headers) == 1
    assert "not acked" in headers[0]["reason"]
    assert headers[0]["attempts"] == "1"
    assert settled == 1


# -- back-pressure and lag --------------------------------------------------------------


def test_back_pressure_loses_nothing_under_concurrent_publishers(open_bus: BusFactory) -> None:
    n = 5 * MEMORY_BOUND

    async def main(bus: Bus) -> list[bytes]:
        sub = await bus.subscribe("mentions.raw", "pipeline")
        consumer = asyncio.create_task(drain(sub, n, timeout=20.0))
        # far more concurrent publishers than the bus lets through at once
        await asyncio.gather(*(bus.publish("mentions.raw", b"%d" % i) for i in range(n)))
        return await consumer

    got = each(main, open_bus)
    assert sorted(got) == sorted(b"%d" % i for i in range(n))  # each exactly once


def test_pending_counts_waiting_and_in_flight_messages(open_bus: BusFactory) -> None:
    async def main(bus: Bus) -> list[bool]:
        sub = await bus.subscribe("mentions.raw", "pipeline")
        other = await bus.subscribe("mentions.raw", "archive")
        checks = [await eventually(lambda: sub.pending() == 0)]
        for i in range(5):
            await bus.publish("mentions.raw", bytes([i]))
        checks.append(await eventually(lambda: sub.pending() == 5))
        two = await sub.fetch(2, timeout=1.0)
        checks.append(len(two) == 2)
        checks.append(await eventually(lambda: sub.pending() == 5))  # 3 waiting + 2 in flight
        for m in two:
            await sub.ack(m)
        checks.append(await eventually(lambda: sub.pending() == 3))
        assert len(await drain(sub, 3)) == 3
        checks.append(await eventually(lambda: sub.pending() == 0))
        checks.append(await eventually(lambda: other.pending() == 5))  # lag is per group
        return checks

    assert each(main, open_bus) == [True] * 7


# -- NATS only: what the in-process bus has no equivalent for ---------------------------


def nats_only() -> BusFactory:
    nats_reachable(NATS_URL)
    return nats_bus


def test_nats_publish_with_an_id_header_is_stored_once() -> None:
    async def main(bus: Bus) -> list[bytes]:
        sub = await bus.subscribe("mentions.raw", "pipeline")
        await bus.publish("mentions.raw", b"first", {"id": "bsky:1"})
        await bus.publish("mentions.raw", b"retry", {"id": "bsky:1"})  # a retried publish
        await bus.publish("mentions.stored", b"same id, other subject", {"id": "bsky:1"})
        return await drain(sub, 2, timeout=1.0)

    assert each(main, nats_only()) == [b"first"]


def test_nats_streams_one_per_family_and_in_flight_publishes_bounded() -> None:
    async def main(bus: Bus) -> tuple[set[str], int]:
        assert isinstance(bus, NatsBus)
        await asyncio.gather(*(bus.publish("alerts", b"a") for _ in range(50)))
        await bus.publish("mentions.raw", b"m")
        js = await bus.connect()
        names = {s.config.name or "" for s in await js.streams_info()}
        mine = {
            n.removeprefix(bus.prefix.upper() + "_")
            for n in names
            if n.startswith(bus.prefix.upper())
        }
        return mine, bus.peak_inflight

    families, peak = each(main, nats_only())
    assert families == {"MENTIONS", "ALERTS", "DEAD"}
    assert 1 < peak <= NATS_INFLIGHT


def test_nats_describe_reports_stream_sizes_and_consumer_lag() -> None:
    async def main(bus: Bus) -> list[dict[str, Any]]:
        assert isinstance(bus, NatsBus)
        sub = await bus.subscribe("mentions.raw", "pipeline")
        for i in range(3):
            await bus.publish("mentions.raw", bytes([i]))
        (m,) = await sub.fetch(1, timeout=1.0)
        await sub.ack(m)
        await sub.refresh()  # flush the ack before asking
        return await bus.describe()

    streams = {s["stream"].split("_", 1)[1]: s for s in each(main, nats_only())}
    assert set(streams) == {"MENTIONS", "ALERTS", "DEAD"}
    mentions = streams["MENTIONS"]
    assert mentions["messages"] == 3
    (consumer,) = mentions["consumers"]
    assert consumer["name"] == "pipeline__mentions_raw"
    assert consumer["subject"] == "mentions.raw"
    assert (consumer["pending"], consumer["ack_pending"]) == (2, 0)


def test_touch_keeps_a_message_in_hand_past_ack_wait_without_an_attempt(
    open_bus: BusFactory,
) -> None:
    # a worker holding its batch while the store is away (issue 23): no redelivery, no
    # attempt spent; once it stops touching, ack_wait brings the message back
    async def main(bus: Bus) -> tuple[list[int], int]:
        # margins of 20x the touch interval: a loaded machine must not make it flaky
        sub = await bus.subscribe("mentions.raw", "pipeline", ack_wait=2.0)
        await bus.publish("mentions.raw", b"held")
        (held,) = await sub.fetch(1, timeout=1.0)
        during: list[int] = []
        started = time.monotonic()
        while time.monotonic() - started < 4.4:  # twice ack_wait, touched every ~0.1 s
            await sub.touch(held)
            during += [m.attempt for m in await sub.fetch(10, timeout=0.1)]
        back = await sub.fetch(10, timeout=6.0)  # no touch now: it comes back
        for m in back:
            await sub.ack(m)
        return during, back[0].attempt if back else 0

    during, attempt = each(main, open_bus)
    assert during == []
    assert attempt == 2


def test_nats_stream_deleted_behind_a_subscription_fails_nothing() -> None:
    """A lag refresher that hit "stream not found" (a teardown deleting streams while a
    subscription lived) used to die and make close() raise: the "stream not found"
    failures under load."""
    nats_reachable(NATS_URL)

    async def scenario() -> None:
        bus = NatsBus(NATS_URL, prefix=f"t{uuid.uuid4().hex[:10]}", lag_refresh=3600)
        other = NatsBus(NATS_URL, prefix=f"t{uuid.uuid4().hex[:10]}")
        try:
            await other.publish("mentions.raw", b"x")  # someone else's stream, left alone
            sub = await bus.subscribe("mentions.raw", "g")
            await bus.publish("mentions.raw", b"y")
            assert await sub.refresh() == 1
            deleted = await bus.delete_streams()
            assert bus.stream_name("mentions.raw") in deleted
            assert all(name.startswith(bus.prefix.upper() + "_") for name in deleted)
            assert await sub.refresh() == 1  # the last known lag, no exception
            await bus.close()
            assert await other.describe()  # the other prefix's stream still exists
        finally:
            await bus.close()
            await other.delete_streams()
            await other.close()

    run(scenario())
