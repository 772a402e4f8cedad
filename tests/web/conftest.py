"""Fixtures of the web tests (the world itself is in helpers.py)."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from fastapi.testclient import TestClient

from socialhub.store.sqlite import SqliteStore

from .helpers import Clock, World, build_world, login


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def world(sqlite_store: SqliteStore, clock: Clock) -> World:
    return build_world(sqlite_store, clock)


@pytest.fixture
def as_user(world: World) -> Iterator[Callable[[str], TestClient]]:
    """``as_user("viewer")`` -> a logged-in TestClient."""
    clients: list[TestClient] = []

    def make(username: str) -> TestClient:
        client = world.client()
        clients.append(client)
        return login(client, username)

    yield make
    for c in clients:
        c.close()


@pytest.fixture(scope="module")
def chromium() -> Iterator[object]:
    """One headless Debian Chromium per test module (a new context per test).

    Not per session: Playwright's sync API keeps an event loop running in the main thread
    while it is open, and the asyncio tests of other modules (asyncio.run) would fail."""
    from pathlib import Path

    from playwright.sync_api import sync_playwright

    from .helpers import CHROMIUM, launch_chromium

    if not Path(CHROMIUM).exists():
        pytest.fail("Debian's Chromium is missing: apt-get install -y chromium", pytrace=False)
    with sync_playwright() as pw:
        browser = launch_chromium(pw)
        try:
            yield browser
        finally:
            browser.close()
