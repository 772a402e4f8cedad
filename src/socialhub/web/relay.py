"""Live updates for a web server running apart from the workers (``socialhub serve``).

In the embedded hub the pipeline hands each stored batch straight to the web app's
:class:`~socialhub.web.live.LiveFeed`. A separate ``serve`` process (several behind a
proxy, on other machines) learns about new mentions from the bus instead: every worker
publishes what it stored on ``mentions.stored``, and each web process tails that
subject with a consumer group of its own (fan-out: every web process sees every
mention), starting from now and forgotten by the broker when the process goes away.
The wall and the dashboards then update within about a second of the store commit.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
from collections import OrderedDict

from socialhub.bus import STORED, Bus, Subscription
from socialhub.serialize import mention_from_json
from socialhub.web.live import LiveFeed

log = logging.getLogger(__name__)

RETRY_SECONDS = 2.0


class RecentIds:
    """The last ``size`` message ids, so a repeated announcement is shown once."""

    def __init__(self, size: int = 10_000) -> None:
        self.size = size
        self._ids: OrderedDict[str, None] = OrderedDict()

    def add(self, msg_id: str) -> bool:
        """False when ``msg_id`` is among the recent ones."""
        if msg_id in self._ids:
            return False
        self._ids[msg_id] = None
        if len(self._ids) > self.size:
            self._ids.popitem(last=False)
        return True


def relay_group() -> str:
    """A consumer group name unique to this process (letters, digits, '-', '_')."""
    host = "".join(ch if ch.isalnum() else "-" for ch in socket.gethostname())[:40]
    return f"live-{host or 'host'}-{os.getpid()}"


async def relay_stored(
    bus: Bus, live: LiveFeed, stop: asyncio.Event, *, group: str | None = None
) -> int:
    """Tail ``mentions.stored`` into ``live`` until ``stop``; returns mentions relayed.

    A payload that does not decode is acked and logged (a live view must not stall on
    it; the stored mention itself is safe in the database).
    """
    sub: Subscription | None = None
    relayed = 0
    seen = RecentIds()
    while not stop.is_set():
        try:
            if sub is None:
                sub = await bus.subscribe(STORED, group or relay_group(), tail=True)
            messages = await sub.fetch(200, timeout=0.5)
        except Exception:  # broker down or restarting: the live view waits, pages work
            log.warning("live relay: bus unavailable, retrying", exc_info=True)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), RETRY_SECONDS)
            continue
        batch = []
        for msg in messages:
            msg_id = msg.headers.get("id")
            if msg_id and not seen.add(msg_id):
                await sub.ack(msg)  # announced twice (a redelivered batch): shown once
                continue
            try:
                batch.append(mention_from_json(msg.data))
            except Exception as exc:
                log.warning("live relay: undecodable stored mention skipped: %s", exc)
            await sub.ack(msg)
        if batch:
            live.publish(batch)
            relayed += len(batch)
    return relayed
