"""Walls in Chromium at 1920x1080 and 3840x2160: every screen fills the display, nothing
overlaps or leaves it, legends sit under the plots, the clock is 24-hour in the workspace's
zone, a crisis fills its screen, and a showcase wall stays calm.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest

from socialhub.models import Author, utcnow
from socialhub.records.alerts import Alert
from socialhub.store.sqlite import SqliteStore
from socialhub.web.security import AuthConfig

from .browser import boxes_overlap, log_in, serve, shot, watch
from .helpers import Clock, World, build_world, mention

SIZES = [(1920, 1080), (3840, 2160)]
WALLS = [
    {"name": "main", "title": "Salle de veille"},
    {"name": "vitrine", "mode": "showcase", "title": "Mirabelle en direct"},
]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, World]]:
    store = SqliteStore(f"sqlite:///{tmp_path_factory.mktemp('wall') / 'db.sqlite'}")
    store.migrate()
    world = build_world(store, Clock())
    now = utcnow()
    brand, rival = world.queries["brand"], world.queries["rival"]
    batch = []
    for i in range(60):
        who = Author("x", f"p{i % 7}", f"person{i % 7}", name=f"Personne {i % 7}", followers=50 * i)
        q = brand if i % 3 else rival
        text = f"mirabelle message {i} avec un texte assez long pour remplir une ligne du mur"
        label = ("positive", "negative", "neutral")[i % 3]
        batch.append(
            mention(
                5000 + i,
                text,
                q,
                created_at=now - timedelta(minutes=20 * i),
                author=who,
                sentiment_label=label,
            )
        )
    store.mentions.add(batch)
    ws = world.ws["com"].id or 0
    store.workspaces.set_workspace_setting(ws, "walls", WALLS)
    app = world.app()
    app.state.auth = AuthConfig()
    try:
        with serve(app) as base:
            yield base, world
    finally:
        store.close()


def _check_screen(page: Any) -> list[str]:
    problems = boxes_overlap(page, ".wall-head > *:not([hidden]), .wpanel")
    for name in page.eval_on_selector_all(".wpanel", "els => els.map(e => e.dataset.panel)"):
        problems += boxes_overlap(page, f'.wpanel[data-panel="{name}"] > *')
    # the panels fill the screen: no empty cell (a quarter of the crisis screen was empty)
    filled = page.evaluate(
        """() => {
      const s = document.getElementById('screen').getBoundingClientRect();
      const area = Array.from(document.querySelectorAll('.wpanel')).reduce((t, e) => {
        const r = e.getBoundingClientRect(); return t + r.width * r.height; }, 0);
      return area / (s.width * s.height);
    }"""
    )
    if filled < 0.85:
        problems.append(f"panels fill only {filled:.0%} of the screen")
    return problems


def _legends_under_plots(page: Any) -> list[str]:
    return list(
        page.evaluate(
            """() => {
      const out = [];
      document.querySelectorAll('.wchart').forEach((box) => {
        const c = echarts.getInstanceByDom(box);
        if (!c) return;
        const o = c.getOption();
        if (o.legend && o.legend.length && o.grid && o.grid.length) {
          if (o.legend[0].bottom !== 0) out.push('legend not at the bottom');
          if (o.grid[0].bottom < 3 * 14) out.push('no room under the plot for the legend');
        }
        (o.series || []).forEach((s) => { if (s.smooth) out.push('smoothed series ' + s.name); });
      });
      return out;
    }"""
        )
    )


@pytest.mark.parametrize(("width", "height"), SIZES)
def test_wall_screens_fill_the_display_without_overlap(
    chromium: Any, site: tuple[str, World], width: int, height: int
) -> None:
    base, world = site
    problems: list[str] = []
    ctx = chromium.new_context(viewport={"width": width, "height": height})
    page = ctx.new_page()
    watch(page, problems)
    try:
        log_in(page, base, "viewer", "/w/com")
        for wall in ("main", "vitrine"):
            page.goto(f"{base}/wall/com/{wall}")
            page.wait_for_selector("body[data-loaded=yes]")
            screens = page.evaluate("() => WALL.state.layout.screens.length")
            for i in range(screens):
                page.evaluate(f"() => WALL.show({i})")
                bad = _check_screen(page) + _legends_under_plots(page)
                assert bad == [], f"{wall} screen {i} at {width}x{height}: {bad}"
                if width == 1920 and wall == "main" and i == 0:
                    page.screenshot(path=shot("wall.png"))
            clock = page.locator("#wall-clock").text_content() or ""
            assert re.fullmatch(r"[0-2]\d:[0-5]\d", clock), clock  # 24-hour, no AM/PM
        # the vitrine never shows alerts nor negative posts
        assert page.locator('.wpanel[data-panel="alerts"]').count() == 0
        # a crisis everywhere at once: the operations wall turns red and fills its screen
        now = utcnow()
        crisis = world.store.alerts.save_alert(
            Alert(
                "complaints:com", "complaints", "1", "complaints:1:network_outage:*",
                "Pannes partout", 9, now - timedelta(minutes=5), now, 80.0, 4.0, 20.0, 9.0,
                workspace_id=world.ws["com"].id,
            )
        )  # fmt: skip
        page.goto(f"{base}/wall/com/main")
        page.wait_for_selector("body[data-crisis=yes]")
        assert page.locator("#crisis-banner").is_visible()
        bad = _check_screen(page)
        assert bad == [], f"crisis screen at {width}x{height}: {bad}"
        if width == 1920:
            page.screenshot(path=shot("wall-crisis.png"))
        page.goto(f"{base}/wall/com/vitrine")
        page.wait_for_selector("body[data-loaded=yes]")
        assert page.evaluate("() => WALL.state.crisis") is False
        assert page.locator("#crisis-banner").is_hidden()
        if width == 1920:
            page.screenshot(path=shot("wall-showcase.png"))
        # resolved: the next size starts calm
        world.store.alerts.save_alert(replace(crisis, state="resolved"))
    finally:
        ctx.close()
    assert problems == []
