"""The Bus contract: at-least-once delivery between stages.

Subjects carry bytes. A consumer *group* on a subject gets every message once per group
(work-queue semantics within a group, fan-out across groups), like a JetStream durable
pull consumer. A fetched message must be acked after its effects are committed; a
message not acked within ``ack_wait`` seconds, or nak'ed, is delivered again. After
``max_deliver`` attempts it goes to the dead-letter subject ``dead.<subject>``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

RAW = "mentions.raw"
STORED = "mentions.stored"
ALERTS = "alerts"


@dataclass(slots=True)
class Message:
    subject: str
    data: bytes
    seq: int
    attempt: int = 1
    headers: dict[str, str] = field(default_factory=dict)


class Subscription(Protocol):
    async def fetch(self, max_messages: int = 100, timeout: float = 1.0) -> list[Message]:
        """Up to ``max_messages``; waits at most ``timeout`` seconds for the first one."""
        ...

    async def ack(self, msg: Message) -> None: ...

    async def nak(self, msg: Message, reason: str = "") -> None: ...

    def pending(self) -> int:
        """Messages waiting or in flight for this group (consumer lag)."""
        ...


class Bus(Protocol):
    async def publish(
        self, subject: str, data: bytes, headers: dict[str, str] | None = None
    ) -> None:
        """Waits while the subject's buffer is full (back-pressure)."""
        ...

    async def subscribe(
        self,
        subject: str,
        group: str,
        *,
        ack_wait: float = 30.0,
        max_deliver: int = 5,
        tail: bool = False,
    ) -> Subscription:
        """A consumer group's subscription.

        ``tail``: only messages published from now on, for a consumer that may vanish
        without notice (a web server's live feed): it never holds publishers back, and
        the broker forgets it a few minutes after it stops fetching.
        """
        ...

    async def close(self) -> None: ...
