"""Health of push sources (run_with_health): counted, saved, failures recorded."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from socialhub.connectors.base import Emit
from socialhub.connectors.push_health import run_with_health
from socialhub.models import Mention
from socialhub.store.sqlite import SqliteStore

T0 = datetime(2026, 3, 2, 9, tzinfo=UTC)


class Finite:
    name = "feed"

    def __init__(self, n: int, fail_after: int | None = None) -> None:
        self.n, self.fail_after = n, fail_after

    async def run(self, emit: Emit, stop: asyncio.Event) -> None:
        for i in range(self.n):
            if self.fail_after is not None and i == self.fail_after:
                raise ConnectionError("stream reset by peer")
            await emit(Mention("x", f"p{i}", "hello", T0 + timedelta(seconds=i)))


class Simulated(Finite):
    complete = True


def run(source: Finite, store: SqliteStore, save_every: float = 5.0) -> list[Mention]:
    got: list[Mention] = []

    async def emit(m: Mention) -> None:
        got.append(m)

    asyncio.run(
        run_with_health(source, emit, asyncio.Event(), store.sources, save_every=save_every)
    )
    return got


def test_items_are_counted_and_the_end_is_idle(sqlite_store: SqliteStore) -> None:
    assert len(run(Finite(40), sqlite_store, save_every=0.0)) == 40
    doc = sqlite_store.sources.get_source_health("feed")
    assert doc is not None
    assert (doc["status"], doc["items"], doc["connector"]) == ("idle", 40, "Finite")
    assert doc["targets"]["stream"]["last_item_at"] == (T0 + timedelta(seconds=39)).isoformat()
    # it cannot vouch for what it did not see
    assert doc["completeness"]["statement"].startswith("not yet complete")


def test_a_source_that_misses_nothing_says_complete(sqlite_store: SqliteStore) -> None:
    run(Simulated(5), sqlite_store)
    doc = sqlite_store.sources.get_source_health("feed")
    assert doc is not None and doc["items"] == 5
    assert doc["completeness"]["statement"].startswith("complete since")


def test_a_failure_is_recorded_and_raised(sqlite_store: SqliteStore) -> None:
    with pytest.raises(ConnectionError):
        run(Finite(10, fail_after=7), sqlite_store)
    doc = sqlite_store.sources.get_source_health("feed")
    assert doc is not None
    assert (doc["status"], doc["items"]) == ("stopped", 7)
    assert doc["last_error"] == "ConnectionError: stream reset by peer"
    assert doc["completeness"]["statement"].startswith("stopped since")
