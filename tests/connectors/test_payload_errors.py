"""Issue #22.2: an unreadable payload is permanent for that payload, never a retry loop.

A connector that raises ``MalformedPayload`` — or lets a decoder's own error escape
(``UnicodeDecodeError``, ``LookupError: unknown encoding``, invalid JSON) — gets the
payload dead-lettered once with the reason, health says the target is unreadable, no
backoff happens, and a later good page clears it.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Mapping
from typing import Any

import pytest

from socialhub.connectors.base import MalformedPayload, Page, Target
from socialhub.connectors.coordinator import Coordinator
from socialhub.models import Mention
from socialhub.store.base import Store


class Scripted:
    """Answers each fetch with the next scripted outcome (an exception or a page)."""

    name = "scripted"

    def __init__(self, outcomes: list[Exception | Page]) -> None:
        self.outcomes = outcomes
        self.calls = 0

    async def fetch(self, target: Target, cursor: Mapping[str, Any] | None) -> Page:
        outcome = self.outcomes[min(self.calls, len(self.outcomes) - 1)]
        self.calls += 1
        if isinstance(outcome, Exception):
            raise outcome
        return outcome

    async def close(self) -> None:
        return None


async def _sink(m: Mention) -> None:
    return None


def undecodable() -> Exception:
    try:
        b"\xff\xfe\xfa".decode("utf-8")
    except UnicodeDecodeError as exc:
        return exc
    raise AssertionError("unreachable")


@pytest.mark.parametrize(
    ("error", "reason"),
    [
        (MalformedPayload("not a feed: no element found", raw="<<garbage"), "not a feed"),
        (undecodable(), "untyped UnicodeDecodeError"),
        (LookupError("unknown encoding: bogus"), "untyped LookupError"),
        (json.JSONDecodeError("Expecting value", "x", 0), "untyped JSONDecodeError"),
    ],
)
def test_unreadable_payload_is_dead_lettered_once_then_cleared(
    store: Store, error: Exception, reason: str
) -> None:
    connector = Scripted([error, error, Page(done=True)])
    coordinator = Coordinator(
        "src", connector, [Target("feed", "http://x.example/f")], store.sources
    )
    for _ in range(2):  # two polls of the same bad payload
        asyncio.run(coordinator.run_once(_sink))
    assert connector.calls == 2  # one request per poll: no backoff retries
    letters = store.sources.list_dead_letters("src")
    assert len(letters) == 1 and reason in letters[0].reason  # once, not per poll
    health = store.sources.get_source_health("src") or {}
    (target,) = health["targets"].values()
    assert reason in target["malformed"]
    assert "unreadable (dead-lettered)" in health["completeness"]["statement"]
    asyncio.run(coordinator.run_once(_sink))  # the payload is good again
    health = store.sources.get_source_health("src") or {}
    (target,) = health["targets"].values()
    assert target["malformed"] == "" and "unreadable" not in health["completeness"]["statement"]
