"""Message bus between stages: in-process by default, NATS JetStream at scale."""

from socialhub.bus.base import (
    ALERTS,
    RAW,
    STORED,
    Bus,
    Message,
    Subscription,
    mention_message_id,
    message_id,
)
from socialhub.bus.memory import MemoryBus

__all__ = [
    "ALERTS",
    "RAW",
    "STORED",
    "Bus",
    "MemoryBus",
    "Message",
    "Subscription",
    "mention_message_id",
    "message_id",
    "open_bus",
]


def open_bus(url: str = "memory") -> Bus:
    """``memory`` (default) or ``nats://host:port[,host2:port2][?prefix=...]``.

    The NATS bus connects on first use, so this stays synchronous.
    """
    if url in ("", "memory", "memory://"):
        return MemoryBus()
    if url.startswith(("nats://", "tls://")):
        from socialhub.bus.nats import NatsBus  # imported here: nats-py only when used

        return NatsBus.from_url(url)
    raise ValueError(f"unsupported bus {url!r}: use 'memory' or 'nats://host:port'")
