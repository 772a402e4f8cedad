"""In-process bus for the embedded hub: bounded, at-least-once, with redelivery.

Same contract as the NATS JetStream bus (see ``bus/base.py``) so stages never know which
one they run on. Nothing survives the process: durability in embedded mode comes from
the store (a mention is acked only after it is committed).
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections import OrderedDict, deque
from dataclasses import dataclass, field

from socialhub.bus.base import Message


@dataclass
class _Group:
    ack_wait: float
    max_deliver: int
    ready: deque[Message] = field(default_factory=deque)
    inflight: dict[int, tuple[Message, float]] = field(default_factory=dict)
    wakeup: asyncio.Event = field(default_factory=asyncio.Event)
    tail: bool = False  # see Bus.subscribe

    def depth(self) -> int:
        return len(self.ready) + len(self.inflight)


@dataclass
class _Subject:
    groups: dict[str, _Group] = field(default_factory=dict)
    # kept until a first group joins; bounded, oldest discarded (like a stream's limits)
    backlog: deque[Message] = field(default_factory=deque)


class MemorySubscription:
    def __init__(self, bus: MemoryBus, subject: str, group: _Group) -> None:
        self._bus = bus
        self._subject = subject
        self._group = group

    def pending(self) -> int:
        return self._group.depth()

    async def fetch(self, max_messages: int = 100, timeout: float = 1.0) -> list[Message]:
        g = self._group
        deadline = time.monotonic() + timeout
        while True:
            await self._expire()
            if g.ready:
                break
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return []
            next_expiry = min((d for _, d in g.inflight.values()), default=None)
            wait = (
                remaining
                if next_expiry is None
                else min(remaining, max(0.0, next_expiry - time.monotonic()) + 0.001)
            )
            g.wakeup.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(g.wakeup.wait(), wait)
        out: list[Message] = []
        now = time.monotonic()
        while g.ready and len(out) < max_messages:
            msg = g.ready.popleft()
            g.inflight[msg.seq] = (msg, now + g.ack_wait)
            out.append(msg)
        return out

    async def ack(self, msg: Message) -> None:
        if self._group.inflight.pop(msg.seq, None) is not None:
            self._bus._space_freed(self._subject)

    async def nak(self, msg: Message, reason: str = "") -> None:
        entry = self._group.inflight.pop(msg.seq, None)
        if entry is not None:
            await self._redeliver(entry[0], reason or "nak")

    async def touch(self, msg: Message) -> None:
        entry = self._group.inflight.get(msg.seq)
        if entry is not None:
            self._group.inflight[msg.seq] = (entry[0], time.monotonic() + self._group.ack_wait)

    async def _expire(self) -> None:
        now = time.monotonic()
        expired = [m for m, d in self._group.inflight.values() if d <= now]
        for msg in expired:
            del self._group.inflight[msg.seq]
            await self._redeliver(msg, f"not acked within {self._group.ack_wait}s")

    async def _redeliver(self, msg: Message, reason: str) -> None:
        g = self._group
        if msg.attempt >= g.max_deliver:
            headers = dict(msg.headers, reason=reason, attempts=str(msg.attempt))
            self._bus._space_freed(self._subject)
            await self._bus.publish(f"dead.{self._subject}", msg.data, headers)
            return
        again = Message(msg.subject, msg.data, msg.seq, msg.attempt + 1, msg.headers)
        g.ready.appendleft(again)
        g.wakeup.set()


class MemoryBus:
    """Bounded in-process queues; ``publish`` waits while the slowest group is full.

    Like JetStream's duplicate window, a publish whose ``id`` header was among the last
    ``duplicate_window`` ids of its subject is dropped.
    """

    def __init__(self, maxsize: int = 10_000, duplicate_window: int = 100_000) -> None:
        self.maxsize = maxsize
        self.duplicate_window = duplicate_window
        self._ids: dict[str, OrderedDict[str, None]] = {}
        self._subjects: dict[str, _Subject] = {}
        self._seq = 0
        self._space = asyncio.Condition()
        self.published: dict[str, int] = {}

    def _get(self, subject: str) -> _Subject:
        return self._subjects.setdefault(subject, _Subject())

    def _full(self, s: _Subject) -> bool:
        # the backlog, and tail groups, discard their oldest instead (a stream's max_msgs)
        return any(g.depth() >= self.maxsize for g in s.groups.values() if not g.tail)

    def _space_freed(self, subject: str) -> None:
        async def notify() -> None:
            async with self._space:
                self._space.notify_all()

        asyncio.get_running_loop().create_task(notify())

    async def publish(
        self, subject: str, data: bytes, headers: dict[str, str] | None = None
    ) -> None:
        s = self._get(subject)
        msg_id = (headers or {}).get("id")
        if msg_id and not subject.startswith("dead."):  # a dead letter keeps its id as is
            recent = self._ids.setdefault(subject, OrderedDict())
            if msg_id in recent:
                return  # a repeated publication: stored once
            recent[msg_id] = None
            if len(recent) > self.duplicate_window:
                recent.popitem(last=False)
        if self._full(s) and not subject.startswith("dead."):
            async with self._space:
                await self._space.wait_for(lambda: not self._full(s))
        self._seq += 1
        msg = Message(subject, data, self._seq, 1, dict(headers or {}))
        self.published[subject] = self.published.get(subject, 0) + 1
        if not s.groups:
            s.backlog.append(msg)
            if len(s.backlog) > self.maxsize:
                s.backlog.popleft()
            return
        for g in s.groups.values():
            g.ready.append(msg)
            if g.tail and len(g.ready) > self.maxsize:
                g.ready.popleft()  # a slow live viewer loses its oldest, never blocks
            g.wakeup.set()

    async def subscribe(
        self,
        subject: str,
        group: str,
        *,
        ack_wait: float = 30.0,
        max_deliver: int = 5,
        tail: bool = False,
    ) -> MemorySubscription:
        s = self._get(subject)
        g = s.groups.get(group)
        if g is None:
            g = _Group(ack_wait=ack_wait, max_deliver=max_deliver, tail=tail)
            if not s.groups and not tail:
                g.ready.extend(s.backlog)
                s.backlog.clear()
            s.groups[group] = g
        return MemorySubscription(self, subject, g)

    async def close(self) -> None:
        self._subjects.clear()
        self._ids.clear()
