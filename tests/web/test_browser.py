"""The dashboard in a real browser: Debian's Chromium driven by Playwright.

Never downloads a browser: it launches /usr/bin/chromium (``apt-get install -y
chromium``) and fails loudly when it is missing. Charts need the ECharts npm package
(``npm ci --prefix src/socialhub/web/frontend``), also failing loudly without it.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import uvicorn

from socialhub.models import Query, utcnow
from socialhub.store.sqlite import SqliteStore
from socialhub.web.app import ECHARTS
from socialhub.web.security import AuthConfig

from .browser import Contexts
from .helpers import (
    CHROMIUM,
    HOSTILE,
    Clock,
    World,
    build_world,
    mention,
    password,
)

pytestmark = pytest.mark.slow  # end to end: a real Chromium

EVIL_QUERY = "<img src=x onerror=window.__pwned=1>"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def served(sqlite_store: SqliteStore) -> Iterator[tuple[str, World]]:
    if not Path(CHROMIUM).exists():
        pytest.fail("Debian's Chromium is missing: apt-get install -y chromium", pytrace=False)
    if not (ECHARTS / "echarts.min.js").is_file():
        pytest.fail(
            "ECharts is not installed: npm ci --prefix src/socialhub/web/frontend", pytrace=False
        )
    world = build_world(sqlite_store, Clock())
    now = utcnow()
    evil = sqlite_store.workspaces.upsert_query(Query(world.ws["com"].id or 0, EVIL_QUERY, "prune"))
    sqlite_store.mentions.add(
        [
            mention(
                101,
                f"mirabelle {HOSTILE}",
                world.queries["brand"],
                hours_ago=0,
                created_at=now - timedelta(hours=1),
            ),
            mention(102, "prune et mirabelle", evil, created_at=now - timedelta(hours=2)),
        ]
    )
    app = world.app()
    app.state.auth = AuthConfig()  # the browser lives in real time
    app.state.live_refresh = 1.0  # open streams see access changes within a second
    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started, "the web server did not start"
    try:
        yield f"http://127.0.0.1:{port}", world
    finally:
        server.should_exit = True
        thread.join(10)


def test_dashboard_in_chromium(chromium: Any, served: tuple[str, World]) -> None:
    from playwright.sync_api import expect

    base, world = served
    problems: list[str] = []
    browser = Contexts(chromium)
    try:
        page = browser.new_page()
        page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: problems.append(str(e)))
        page.on(
            "response",
            lambda r: problems.append(f"{r.status} {r.url}") if r.status >= 400 else None,
        )
        page.on("dialog", lambda d: (problems.append("dialog: " + d.message), d.dismiss()))
        page.set_default_timeout(10_000)

        # log in: the dashboard sends us to the login form and back
        page.goto(f"{base}/w/com")
        assert "/login" in page.url
        page.fill("input[name=username]", "analyst")
        page.fill("input[name=password]", password("analyst"))
        page.click("button[type=submit]")
        page.wait_for_url(f"{base}/w/com")
        page.wait_for_selector("body[data-loaded=yes]")

        # charts drawn by ECharts on canvases
        for chart in ("chart-volume", "chart-sentiment", "chart-sov"):
            assert page.locator(f"#{chart} canvas").count() >= 1, chart

        # a tooltip shows a hostile query name as text
        page.evaluate(
            "() => { const c = SH.charts['chart-volume'];"
            " const n = c.getOption().xAxis[0].data.length;"
            " c.dispatchAction({type: 'showTip', seriesIndex: 0, dataIndex: n - 1}); }"
        )
        expect(page.locator("#chart-volume")).to_contain_text(EVIL_QUERY)
        assert page.locator("#chart-volume img").count() == 0

        # the search panel lists the hostile post as text
        page.fill("#q", "mirabelle")
        page.click("#search button[type=submit]")
        expect(page.locator("#results")).to_contain_text(HOSTILE)
        assert page.locator("#results script, #results img").count() == 0

        # a mention stored now appears on the live stream within seconds
        expect(page.locator("#live-state")).to_have_text("live")
        fresh = mention(
            900,
            f"mirabelle en direct {HOSTILE}",
            world.queries["brand"],
            created_at=utcnow(),
        )
        other = mention(901, "panne ailleurs", world.queries["outage"], created_at=utcnow())
        world.store.mentions.add([fresh, other])
        world.live.publish([other, fresh])  # from this thread, as the pipeline would
        item = page.locator('#live li[data-id="x:900"]')
        expect(item).to_contain_text(f"mirabelle en direct {HOSTILE}", timeout=5_000)
        assert page.locator('#live li[data-id="x:901"]').count() == 0  # another workspace
        assert page.locator("#live script, #live img").count() == 0
        assert page.evaluate("() => window.__pwned") is None
        assert page.locator("#live-count").text_content() == "1"

        # the account page and logout work from the same session
        page.click("#logout")
        page.wait_for_url(f"{base}/login")
    finally:
        browser.close()
    assert problems == []
