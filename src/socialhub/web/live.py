"""Fan-out of newly stored mentions to live clients (SSE), dropping for slow clients.

Each client may filter (a workspace's dashboard only gets the mentions routed to that
workspace's queries). ``publish`` may be called from any thread: off the event loop it
hands the batch to the loop, since asyncio queues are not thread-safe.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Sequence

import orjson

from socialhub.models import Mention
from socialhub.serialize import mention_to_dict

Accept = Callable[[Mention], bool]


class LiveFeed:
    def __init__(self, per_client: int = 500) -> None:
        self.per_client = per_client
        self._clients: dict[asyncio.Queue[bytes], Accept | None] = {}
        self._loop: asyncio.AbstractEventLoop | None = None
        self.sent = 0

    @property
    def clients(self) -> int:
        return len(self._clients)

    def publish(self, mentions: Sequence[Mention]) -> None:
        loop = self._loop
        if loop is not None and not _running(loop):
            loop.call_soon_threadsafe(self._publish, list(mentions))
            return
        self._publish(mentions)

    def _publish(self, mentions: Sequence[Mention]) -> None:
        for m in mentions:
            data: bytes | None = None  # serialised once, only if a client wants it
            for q, accept in list(self._clients.items()):
                if accept is not None and not accept(m):
                    continue
                if data is None:
                    data = orjson.dumps(mention_to_dict(m, include_raw=False), default=str)
                if q.full():  # a slow client loses the oldest, the others are not held up
                    q.get_nowait()
                q.put_nowait(data)
                self.sent += 1

    async def subscribe(
        self, keepalive: float = 15.0, accept: Accept | None = None
    ) -> AsyncIterator[bytes]:
        self._loop = asyncio.get_running_loop()
        q: asyncio.Queue[bytes] = asyncio.Queue(self.per_client)
        self._clients[q] = accept
        try:
            yield b": connected\n\n"  # the browser's EventSource opens at once
            while True:
                try:
                    data = await asyncio.wait_for(q.get(), keepalive)
                except TimeoutError:
                    yield b": keepalive\n\n"
                    continue
                yield b"event: mention\ndata: " + data + b"\n\n"
        finally:
            self._clients.pop(q, None)


def _running(loop: asyncio.AbstractEventLoop) -> bool:
    try:
        return asyncio.get_running_loop() is loop
    except RuntimeError:
        return False
