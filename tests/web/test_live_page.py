"""The live feed: per-client filters, dropping for slow clients, publishing from threads."""

from __future__ import annotations

import asyncio
import threading
from datetime import UTC, datetime

from socialhub.models import Author, Mention
from socialhub.web.live import LiveFeed

from .helpers import HOSTILE


def hostile_mention(n: int = 1, query_ids: list[int] | None = None) -> Mention:
    return Mention(
        "x",
        str(n),
        f"Mirabelle {HOSTILE}",
        datetime(2026, 3, 2, 9, 0, tzinfo=UTC),
        author=Author("x", "7", "evil", name="<b>Evil</b>"),
        lang="fr",
        query_ids=query_ids or [1],
    )


def test_live_feed_fans_out_and_drops_oldest_for_slow_clients() -> None:
    async def main() -> tuple[list[bytes], int]:
        feed = LiveFeed(per_client=2)
        stream = feed.subscribe(keepalive=0.05)
        assert await stream.__anext__() == b": connected\n\n"
        assert feed.clients == 1
        feed.publish([hostile_mention(1), hostile_mention(2), hostile_mention(3)])
        got = [await stream.__anext__(), await stream.__anext__()]
        keepalive = await stream.__anext__()
        await stream.aclose()
        return [*got, keepalive], feed.clients

    got, clients = asyncio.run(main())
    assert got[0].startswith(b"event: mention\ndata: ")
    # the queue holds two: the oldest (1) made room for 3
    assert b'"native_id":"2"' in got[0] and b'"native_id":"3"' in got[1]
    assert HOSTILE.replace('"', '\\"').encode() in got[0]  # JSON string, not rewritten
    assert b'"raw"' not in got[0]
    assert got[2] == b": keepalive\n\n"
    assert clients == 0


def test_each_client_gets_what_its_filter_accepts_even_from_another_thread() -> None:
    async def main() -> tuple[bytes, bytes]:
        feed = LiveFeed()
        ws1 = feed.subscribe(keepalive=5, accept=lambda m: 1 in m.query_ids)
        ws2 = feed.subscribe(keepalive=5, accept=lambda m: 2 in m.query_ids)
        await ws1.__anext__()
        await ws2.__anext__()
        batch = [hostile_mention(10, [2]), hostile_mention(11, [1])]
        worker = threading.Thread(target=feed.publish, args=(batch,))
        worker.start()
        worker.join()
        first1 = await asyncio.wait_for(ws1.__anext__(), 2)
        first2 = await asyncio.wait_for(ws2.__anext__(), 2)
        await ws1.aclose()
        await ws2.aclose()
        return first1, first2

    one, two = asyncio.run(main())
    assert b'"native_id":"11"' in one
    assert b'"native_id":"10"' in two
