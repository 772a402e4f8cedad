"""Message bus between stages: in-process by default, NATS JetStream at scale."""

from socialhub.bus.base import ALERTS, RAW, STORED, Bus, Message, Subscription
from socialhub.bus.memory import MemoryBus

__all__ = ["ALERTS", "RAW", "STORED", "Bus", "MemoryBus", "Message", "Subscription", "open_bus"]


def open_bus(url: str = "memory") -> Bus:
    """``memory`` (default) or ``nats://host:port`` (the scale-out issue adds NATS)."""
    if url in ("", "memory", "memory://"):
        return MemoryBus()
    raise ValueError(
        f"unsupported bus {url!r}: this build has the in-process bus only ('memory'); "
        "the NATS JetStream bus is not implemented yet"
    )
