"""Fan-out of newly stored mentions to live clients (SSE), dropping for slow clients.

Each client may filter (a workspace's dashboard only gets the mentions routed to that
workspace's queries). A filter may answer ``None`` ("cannot tell yet": a mention routed
to a query created after the client subscribed): the mention is parked and the client's
``refresh`` runs before it is decided, so a new query's mentions are not lost. The
refresh also runs every ``refresh_every`` seconds (queries removed, access revoked)
and ends the stream when it answers False.

``publish`` may be called from any thread: off the event loop it hands the batch to the
loop, since asyncio queues are not thread-safe.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass, field

import orjson

from socialhub.models import Mention
from socialhub.serialize import mention_to_dict

# True: send it; False: not for this client; None: unknown yet, refresh then decide.
Accept = Callable[[Mention], bool | None]
# Re-reads what the client may see; False ends its stream (logged out, deactivated...).
Refresh = Callable[[], Awaitable[bool]]

_WAKE = b""  # queued to wake a client so it refreshes before deciding parked mentions
END = b"event: end\ndata: {}\n\n"


@dataclass(eq=False, slots=True)
class _Client:
    queue: asyncio.Queue[bytes]
    accept: Accept | None
    pending: list[Mention] = field(default_factory=list)
    woken: bool = False


def _encode(m: Mention) -> bytes:
    return orjson.dumps(mention_to_dict(m, include_raw=False), default=str)


class LiveFeed:
    def __init__(self, per_client: int = 500) -> None:
        self.per_client = per_client
        self._clients: set[_Client] = set()
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

    def _put(self, client: _Client, data: bytes) -> None:
        if client.queue.full():  # a slow client loses the oldest, the others are not held up
            client.queue.get_nowait()
        client.queue.put_nowait(data)

    def _publish(self, mentions: Sequence[Mention]) -> None:
        for m in mentions:
            data: bytes | None = None  # serialised once, only if a client wants it
            for c in list(self._clients):
                verdict = True if c.accept is None else c.accept(m)
                if verdict is None:
                    if len(c.pending) < self.per_client:
                        c.pending.append(m)
                    if not c.woken:
                        c.woken = True
                        self._put(c, _WAKE)
                    continue
                if not verdict:
                    continue
                if data is None:
                    data = _encode(m)
                self._put(c, data)
                self.sent += 1

    async def subscribe(
        self,
        keepalive: float = 15.0,
        accept: Accept | None = None,
        *,
        refresh: Refresh | None = None,
        refresh_every: float = 10.0,
    ) -> AsyncIterator[bytes]:
        loop = asyncio.get_running_loop()
        self._loop = loop
        client = _Client(asyncio.Queue(self.per_client), accept)
        self._clients.add(client)
        try:
            yield b": connected\n\n"  # the browser's EventSource opens at once
            next_refresh = loop.time() + refresh_every
            last_sent = loop.time()
            while True:
                if refresh is not None and (client.woken or loop.time() >= next_refresh):
                    client.woken = False
                    if not await refresh():
                        yield END
                        return
                    next_refresh = loop.time() + refresh_every
                    for data in self._decide(client):
                        yield data
                        last_sent = loop.time()
                wait = keepalive - (loop.time() - last_sent)
                if refresh is not None:
                    wait = min(wait, next_refresh - loop.time())
                try:
                    data = await asyncio.wait_for(client.queue.get(), max(0.0, wait))
                except TimeoutError:
                    if loop.time() - last_sent >= keepalive:
                        yield b": keepalive\n\n"
                        last_sent = loop.time()
                    continue
                if data == _WAKE:
                    continue
                yield b"event: mention\ndata: " + data + b"\n\n"
                last_sent = loop.time()
        finally:
            self._clients.discard(client)

    def _decide(self, client: _Client) -> list[bytes]:
        """Events for the parked mentions the refreshed filter now accepts."""
        parked, client.pending = client.pending, []
        out = []
        for m in parked:
            if client.accept is None or client.accept(m):  # still unknown: a deleted query
                out.append(b"event: mention\ndata: " + _encode(m) + b"\n\n")
                self.sent += 1
        return out


def _running(loop: asyncio.AbstractEventLoop) -> bool:
    try:
        return asyncio.get_running_loop() is loop
    except RuntimeError:
        return False
