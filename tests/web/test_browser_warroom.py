"""The war-room and the story page in Debian's Chromium: from the story page to its
war-room, every panel drawn (timeline, cascade, network, map of France), hostile text
shown as text, a new post of the story redrawn live over SSE; the wall screen too."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from socialhub.models import Author, Mention
from socialhub.store.sqlite import SqliteStore
from socialhub.web.app import ECHARTS
from socialhub.web.security import AuthConfig

from .browser import Contexts, axe_violations, log_in, serve, watch
from .helpers import HOSTILE, Clock, World, build_world
from .warroom_seed import seed

pytestmark = pytest.mark.slow  # end to end: a real Chromium


@pytest.fixture
def served(sqlite_store: SqliteStore) -> Iterator[tuple[str, World, int]]:
    if not (ECHARTS / "echarts.min.js").is_file():
        pytest.fail("ECharts is missing: npm ci --prefix src/socialhub/web/frontend", pytrace=False)
    world = build_world(sqlite_store, Clock())
    story, _, _ = seed(world)
    app = world.app()
    app.state.auth = AuthConfig()  # real time for the browser
    with serve(app) as base:
        yield base, world, story


def test_story_page_to_live_warroom(chromium: Any, served: tuple[str, World, int]) -> None:
    from playwright.sync_api import expect

    base, world, story = served
    problems: list[str] = []
    browser = Contexts(chromium)
    try:
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        watch(page, problems)
        log_in(page, base, "press", f"/w/com/stories/{story}")
        expect(page.locator("#patient-zero")).to_contain_text("x:z0")
        page.click("#warroom-link")
        page.wait_for_url(f"**/w/com/stories/{story}/warroom")
        page.wait_for_selector("body[data-loaded='1']")
        expect(page.locator("#wr-state")).to_have_text("En direct")
        expect(page.locator("#wr-zero")).to_contain_text(HOSTILE)  # as text
        assert page.locator("main script, main img").count() == 0
        assert page.evaluate("() => window.__pwned") is None
        for chart in ("wr-timeline", "wr-cascade", "wr-network"):
            assert page.locator(f"#{chart} canvas").count() >= 1, chart
        page.wait_for_selector("#wr-map canvas")
        expect(page.locator("#wr-network-summary")).to_contain_text("x:origin")
        expect(page.locator("#wr-answered")).to_have_text("Un compte officiel a répondu.")
        expect(page.locator("#wr-places")).to_contain_text("Grenoble (Isère)")
        expect(page.locator("#wr-amplifiers tbody tr").first).to_contain_text("x:origin")
        expect(page.locator("#wr-summary")).to_contain_text("10 publications")

        # a new post of the story arrives: the live stream redraws the room
        com = world.ws["com"].id or 0
        new = Mention(
            "x", "late", "Toujours pas de démenti ?", datetime.now(UTC) - timedelta(hours=1),
            author=Author("x", "late", "late"), query_ids=[world.queries["brand"].id or 0],
        )  # fmt: skip
        world.store.mentions.add([new])
        world.store.stories.save([], [(com, "k:rumour", new.id)])
        world.live.publish([new])
        expect(page.locator("#wr-summary")).to_contain_text("11 publications", timeout=10_000)
        assert int(page.get_attribute("body", "data-events") or 0) >= 1

        # the story page's other way out: Explore narrowed to the story
        page.goto(f"{base}/w/com/stories/{story}")
        page.click("#explore-link")
        page.wait_for_selector("body[data-loaded=yes]")
        expect(page.locator("#chosen")).to_contain_text("sujet = Rumeur")
        expect(page.locator("#results")).to_contain_text("Toujours pas de démenti")
        assert page.locator("#results li").count() == 11
        expect(page.locator("#facets")).to_contain_text("Grenoble (3)")

        wall = browser.new_page(viewport={"width": 1920, "height": 1080})
        watch(wall, problems)
        log_in(wall, base, "press")  # a fresh context: its own session
        wall.goto(f"{base}/w/com/warroom?story={story}&screen=wall")
        wall.wait_for_function("() => document.body.dataset.loaded >= '1'")
        assert "warroom-wall" in (wall.get_attribute("body", "class") or "")
        assert wall.locator("header.top").is_hidden()
        assert wall.locator("#wr-timeline canvas").count() >= 1
        # a wall whose screen is the war-room panel (a member's session opens it)
        com_id = world.ws["com"].id or 0
        world.store.workspaces.set_workspace_setting(
            com_id, "walls", [{"name": "crise", "screens": [["warroom", "alerts"]], "hours": 48}]
        )
        wall.goto(f"{base}/wall/com/crise")
        wall.wait_for_selector("body[data-loaded=yes]")
        expect(wall.locator("[data-panel=warroom]")).to_contain_text("Rumeur")
        expect(wall.locator("[data-panel=warroom]")).to_contain_text("premier @x:origin")
        assert wall.locator("[data-panel=warroom] canvas").count() >= 1
        assert wall.locator("#screen script, #screen img").count() == 0

        # accessibility (axe-core is injected: a context that lets it run)
        a11y = browser.new_page(viewport={"width": 1280, "height": 900}, bypass_csp=True)
        log_in(a11y, base, "press", f"/w/com/stories/{story}/warroom")
        a11y.wait_for_selector("body[data-loaded]")
        assert axe_violations(a11y) == []  # no serious or critical problem
    finally:
        browser.close()
    assert problems == []


def test_a_failed_call_says_why_in_the_readers_language(
    chromium: Any, served: tuple[str, World, int]
) -> None:
    """The war room over a story that is not there: the API refuses (404) and the page
    shows the refusal's display_message (as SH.api does elsewhere) instead of nothing."""
    from playwright.sync_api import expect

    base, _world, _story = served
    browser = Contexts(chromium)
    try:
        page = browser.new_page(viewport={"width": 1200, "height": 900})
        log_in(page, base, "press", "/w/com/warroom?story=999999")
        box = page.locator("#wr-error")
        expect(box).to_be_visible()
        api = page.request.get(f"{base}/api/workspaces/com/warroom?story=999999").json()
        assert api["message"] == "No story 999999 in this workspace."  # English, for clients
        expect(box).to_have_text(api["display_message"])
        assert "999999" in api["display_message"] and api["display_message"] != api["message"]
        assert page.get_attribute("body", "data-loaded") is None  # nothing was drawn
    finally:
        browser.close()
