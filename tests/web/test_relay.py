"""A separate web server's live views follow what the workers store, through the bus."""

from __future__ import annotations

import asyncio
import os
import uuid
from datetime import UTC, datetime

import pytest

from bus.test_contract import NATS_URL, nats_reachable
from socialhub.bus import STORED, Bus, MemoryBus
from socialhub.bus.nats import NatsBus
from socialhub.models import Mention
from socialhub.serialize import mention_to_json
from socialhub.web.live import LiveFeed
from socialhub.web.relay import relay_group, relay_stored


async def scenario(bus: Bus) -> tuple[list[bytes], int]:
    live = LiveFeed()
    stop = asyncio.Event()
    # the pipeline already published before this web server started: not replayed
    await bus.publish(STORED, mention_to_json(Mention("x", "before", "ancienne", T0)))
    relay = asyncio.create_task(relay_stored(bus, live, stop, group="live-test"))
    stream = live.subscribe(keepalive=5.0)
    received: list[bytes] = [await anext(stream)]  # ": connected"
    # The relay tails new messages only: publish probes until one comes through, so the
    # test knows it subscribed (a fixed 0.5 s wait was not always enough under load).
    probes = 0
    while True:
        pending = asyncio.ensure_future(anext(stream))
        while not pending.done():
            probes += 1
            assert probes < 200, "the relay never subscribed"
            probe = Mention("x", f"probe{probes}", "sonde", T0)
            await bus.publish(STORED, mention_to_json(probe, include_raw=False))
            await asyncio.wait({pending}, timeout=0.1)
        if b'"native_id":"probe' in pending.result():  # not a keep-alive comment
            break
    await bus.publish(STORED, b"{not json")  # skipped, does not stall the relay
    mention = Mention("x", "n1", "<script>alert(1)</script> panne à Lyon", T0)
    await bus.publish(STORED, mention_to_json(mention, include_raw=False))
    probes_seen = 1
    while True:  # probes published while the first one travelled arrive before n1
        event = await asyncio.wait_for(anext(stream), 10.0)
        if event.startswith(b":"):
            continue  # keep-alive
        if b'"native_id":"probe' not in event:
            break
        probes_seen += 1
    received.append(event)
    stop.set()
    relayed = await asyncio.wait_for(relay, 10.0)
    await stream.aclose()
    return received, relayed - probes_seen


T0 = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)


@pytest.mark.parametrize("kind", ["memory", "nats"])
def test_stored_mentions_reach_live_clients_of_a_separate_web_server(kind: str) -> None:
    async def main() -> tuple[list[bytes], int]:
        if kind == "memory":
            bus: Bus = MemoryBus()
            try:
                return await scenario(bus)
            finally:
                await bus.close()
        nats_reachable(NATS_URL)
        nbus = NatsBus(NATS_URL, prefix=f"t{uuid.uuid4().hex[:10]}")
        try:
            await nbus.connect()
            return await scenario(nbus)
        finally:
            await nbus.delete_streams()
            await nbus.close()

    received, relayed = asyncio.run(main())
    assert received[0].startswith(b": connected")
    assert b'"native_id":"n1"' in received[1]
    assert "<script>alert(1)</script> panne à Lyon".encode() in received[1]  # JSON, as sent
    assert b"ancienne" not in received[1]
    assert relayed == 1


def test_each_web_process_has_its_own_group() -> None:
    group = relay_group()
    assert group.startswith("live-") and group.endswith(str(os.getpid()))
    assert all(ch.isalnum() or ch in "-_" for ch in group)


def test_an_announcement_repeated_past_the_bus_window_is_shown_once() -> None:
    from socialhub.web.relay import RecentIds

    seen = RecentIds(size=3)
    assert seen.add("a") and not seen.add("a")
    for msg_id in ("b", "c", "d"):
        assert seen.add(msg_id)
    assert seen.add("a")  # bounded: the oldest id was forgotten
