"""Fan-out of newly stored mentions to live clients (SSE), dropping for slow clients."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import orjson

from socialhub.models import Mention
from socialhub.serialize import mention_to_dict


class LiveFeed:
    def __init__(self, per_client: int = 500) -> None:
        self.per_client = per_client
        self._clients: set[asyncio.Queue[bytes]] = set()
        self.sent = 0

    @property
    def clients(self) -> int:
        return len(self._clients)

    def publish(self, mentions: list[Mention]) -> None:
        for m in mentions:
            data = orjson.dumps(mention_to_dict(m, include_raw=False), default=str)
            for q in self._clients:
                if q.full():  # a slow client loses the oldest, the others are not held up
                    q.get_nowait()
                q.put_nowait(data)
                self.sent += 1

    async def subscribe(self, keepalive: float = 15.0) -> AsyncIterator[bytes]:
        q: asyncio.Queue[bytes] = asyncio.Queue(self.per_client)
        self._clients.add(q)
        try:
            while True:
                try:
                    data = await asyncio.wait_for(q.get(), keepalive)
                except TimeoutError:
                    yield b": keepalive\n\n"
                    continue
                yield b"event: mention\ndata: " + data + b"\n\n"
        finally:
            self._clients.discard(q)
