"""The wall and the explore pages in Debian's Chromium (Playwright, never a downloaded
browser): a kiosk key opens the wall without login, a new mention shows up within
seconds, crisis mode switches the palette, hostile text stays text, no console error."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
import uvicorn

from socialhub.models import utcnow
from socialhub.records.alerts import Alert
from socialhub.records.sessions import WallToken
from socialhub.store.sqlite import SqliteStore
from socialhub.web.app import ECHARTS
from socialhub.web.security import AuthConfig, digest
from socialhub.web.wall import new_wall_key

from .browser import Contexts
from .helpers import HOSTILE, Clock, World, build_world, mention, password

pytestmark = pytest.mark.slow  # end to end: a real Chromium


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def served(sqlite_store: SqliteStore) -> Iterator[tuple[str, World]]:
    if not (ECHARTS / "echarts.min.js").is_file():
        pytest.fail("ECharts is missing: npm ci --prefix src/socialhub/web/frontend", pytrace=False)
    world = build_world(sqlite_store, Clock())
    now = utcnow()
    brand = world.queries["brand"]
    sqlite_store.mentions.add(
        [
            mention(
                301,
                f"mirabelle {HOSTILE}",
                brand,
                created_at=now - timedelta(hours=1),
                raw={"p": HOSTILE},
            ),
            mention(
                302,
                f"réponse {HOSTILE}",
                brand,
                created_at=now - timedelta(minutes=30),
                reply_to="x:301",
            ),
        ]
    )
    app = world.app()
    app.state.auth = AuthConfig()  # real time for the browser
    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started
    try:
        yield f"http://127.0.0.1:{port}", world
    finally:
        server.should_exit = True
        thread.join(10)


def _watch(page: Any, problems: list[str]) -> None:
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.on(
        "response", lambda r: problems.append(f"{r.status} {r.url}") if r.status >= 400 else None
    )
    page.on("dialog", lambda d: (problems.append("dialog: " + d.message), d.dismiss()))
    page.set_default_timeout(10_000)


def test_wall_kiosk_live_and_crisis(chromium: Any, served: tuple[str, World]) -> None:
    from playwright.sync_api import expect

    base, world = served
    ws_id = world.ws["com"].id or 0
    key = new_wall_key()
    world.store.walls.add_wall_token(
        WallToken(ws_id, "main", "hall", key[:12], utcnow()), digest(key)
    )
    problems: list[str] = []
    browser = Contexts(chromium)
    try:
        page = browser.new_page(viewport={"width": 1600, "height": 900})
        _watch(page, problems)
        page.goto(f"{base}/wall/com/main?key={key}")  # no login
        page.wait_for_selector("body[data-loaded=yes]")
        assert "/login" not in page.url
        assert page.locator("#screen [data-panel=volume] canvas").count() >= 1
        expect(page.locator("#wall-state")).to_have_text("live")
        expect(page.locator("#wall-live")).to_contain_text(HOSTILE)
        assert page.locator("#screen script, #screen img").count() == 0
        # large type: the font scale times 16 px on a 1920x1080 screen, in proportion below
        size = page.evaluate("() => getComputedStyle(document.body).fontSize")
        scale = page.evaluate("() => WALL.state.layout.font_scale")
        assert abs(float(size.rstrip("px")) - scale * 16 * 1600 / 1920) < 0.5

        fresh = mention(
            950, f"mirabelle au mur {HOSTILE}", world.queries["brand"], created_at=utcnow()
        )
        other = mention(951, "panne ailleurs", world.queries["outage"], created_at=utcnow())
        t0 = time.monotonic()
        world.store.mentions.add([fresh, other])
        world.live.publish([other, fresh])
        expect(page.locator("#wall-live li").first).to_contain_text(
            "mirabelle au mur", timeout=5_000
        )
        assert time.monotonic() - t0 < 5
        assert page.locator("#wall-live").inner_text().count("panne ailleurs") == 0
        assert page.evaluate("() => window.__pwned") is None

        # crisis: a severe open alert switches layout and palette
        assert "crisis" not in (page.get_attribute("body", "class") or "")
        world.store.alerts.save_alert(
            Alert(
                "burst:c",
                "burst",
                "1",
                "k",
                f"Crise {HOSTILE}",
                9,
                utcnow(),
                utcnow(),
                90.0,
                5.0,
                20.0,
                9.0,
                workspace_id=ws_id,
            )
        )
        page.reload()
        page.wait_for_selector("body.crisis[data-loaded=yes]")
        assert not page.locator("#crisis-banner").is_hidden()
        panels = page.locator("#screen .wpanel").evaluate_all("ps => ps.map(p => p.dataset.panel)")
        assert panels == ["volume", "alerts", "live"]
        expect(page.locator("[data-panel=alerts]")).to_contain_text(f"Crise {HOSTILE}")
        bg = page.evaluate("() => getComputedStyle(document.body).backgroundColor")
        assert bg == "rgb(42, 5, 8)"

        # a wrong key shows nothing of the workspace: the browser is sent to log in
        bad = browser.new_page()
        bad.goto(f"{base}/wall/com/main?key=shwall_nope")
        assert "/login" in bad.url and "Communication" not in bad.content()
        bad.close()
    finally:
        browser.close()
    assert problems == []


def test_explore_and_mention_pages(chromium: Any, served: tuple[str, World]) -> None:
    from playwright.sync_api import expect

    base, _ = served
    problems: list[str] = []
    browser = Contexts(chromium)
    try:
        page = browser.new_page()
        _watch(page, problems)
        page.goto(f"{base}/login?next=/w/com/explore")
        page.fill("input[name=username]", "admin")
        page.fill("input[name=password]", password("admin"))
        page.click("button[type=submit]")
        page.wait_for_url(f"{base}/w/com/explore")
        page.wait_for_selector("body[data-loaded=yes]")
        page.fill("#q", "mirabelle AND (")
        expect(page.locator("#lint")).to_contain_text("column", timeout=5_000)
        page.fill("#q", "mirabelle")
        page.click("#explore button[type=submit]")
        expect(page.locator("#results")).to_contain_text(HOSTILE)
        expect(page.locator("#facets")).to_contain_text("platform")
        assert page.locator("#results script, #results img, #facets img").count() == 0
        href = page.get_attribute("#export-csv", "href") or ""
        assert href.startswith("/api/workspaces/com/export?") and "q=%28mirabelle%29" in href
        page.locator('#results li[data-id="x:301"] a.open').click()
        page.wait_for_url("**/w/com/m/x*301")
        page.wait_for_selector("body[data-loaded=yes]")
        expect(page.locator("#replies")).to_contain_text(f"réponse {HOSTILE}")
        expect(page.locator("#raw")).to_contain_text("onerror")  # admin sees evidence, as text
        assert page.locator("main script, main img").count() == 0
        assert page.evaluate("() => window.__pwned") is None
    finally:
        browser.close()
    assert problems == []
