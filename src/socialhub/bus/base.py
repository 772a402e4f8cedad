"""The Bus contract: at-least-once delivery between stages.

Subjects carry bytes. A consumer *group* on a subject gets every message once per group
(work-queue semantics within a group, fan-out across groups), like a JetStream durable
pull consumer. A fetched message must be acked after its effects are committed; a
message not acked within ``ack_wait`` seconds, or nak'ed, is delivered again. After
``max_deliver`` attempts it goes to the dead-letter subject ``dead.<subject>``.

A publication that may be repeated (a producer retrying, a batch redelivered after a
crash between its commit and its ack) carries an ``id`` header, made with
:func:`message_id` from what the message is about: a bus stores one copy per id within
its duplicate window (JetStream ``Nats-Msg-Id``), and consumers are idempotent on the
thing the id names beyond it.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from socialhub.models import Mention

RAW = "mentions.raw"
STORED = "mentions.stored"
ALERTS = "alerts"


def message_id(*parts: str) -> str:
    """A deterministic id for the ``id`` header: a digest of ``parts`` (mention ids come
    from platforms, so they are hashed rather than put raw into a header)."""
    digest = hashlib.blake2b(digest_size=16)
    for part in parts:
        digest.update(part.encode("utf-8", "surrogatepass"))
        digest.update(b"\x00")
    return digest.hexdigest()


def mention_message_id(m: Mention) -> str:
    """The id of a mention's publication: one per *version* of the mention (its id and
    engagement counts), so an exact repeat is stored once and a re-collection with new
    counts still travels (the store refreshes them)."""
    e = m.engagement
    return message_id(m.id, f"{e.likes}.{e.reposts}.{e.replies}.{e.quotes}.{e.views}")


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

    async def touch(self, msg: Message) -> None:
        """Still working on ``msg``: restart its ``ack_wait`` (a consumer holding a batch
        while its store is away keeps it, without spending a delivery attempt)."""
        ...

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
