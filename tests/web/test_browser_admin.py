"""Admin settings as forms in Chromium: alert routing, report schedules and wall layouts
with validation and a preview; the sources health table; headers on one line."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import expect

from socialhub.store.sqlite import SqliteStore
from socialhub.web.security import AuthConfig

from .browser import log_in, serve, shot, watch
from .helpers import Clock, World, build_world


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, World]]:
    store = SqliteStore(f"sqlite:///{tmp_path_factory.mktemp('admin') / 'db.sqlite'}")
    store.migrate()
    world = build_world(store, Clock())
    ws = world.ws["com"].id or 0
    store.workspaces.set_workspace_setting(
        ws, "sources", [{"kind": "rss", "name": "press"}, {"kind": "x", "name": "x-api"}]
    )
    store.sources.save_source_health("press", {"status": "ok", "items_per_hour": 12, "errors": {}})
    store.sources.save_source_health(
        "x-api", {"status": "stopped", "errors": {"auth": 4}, "last_error": "auth: 401"}
    )
    app = world.app()
    app.state.auth = AuthConfig()
    try:
        with serve(app) as base:
            yield base, world
    finally:
        store.close()


def test_admin_settings_are_forms_with_a_preview(chromium: Any, site: tuple[str, World]) -> None:
    base, world = site
    problems: list[str] = []
    ctx = chromium.new_context(viewport={"width": 1280, "height": 900})
    page = ctx.new_page()
    watch(page, problems)
    try:
        log_in(page, base, "admin", "/w/com/admin")
        page.wait_for_selector("body[data-settings=yes]")
        assert page.locator("textarea#alerts-setting, textarea#reports-setting").count() == 0
        # alert routing: add a route, read the preview, save
        page.fill("#alerts-min", "3")
        page.click("#route-add")
        route = page.locator("#routes fieldset").first
        route.get_by_label("email").check()
        route.get_by_label("From severity").fill("7")
        expect(page.locator("#alerts-preview")).to_contain_text(
            "Sent to inapp, email: alerts of severity 7 and above."
        )
        page.click("#alerts-save")
        expect(page.locator("#alerts-msg")).to_have_text("Saved.")
        saved = world.store.workspaces.get_workspace_settings(world.ws["com"].id or 0)["alerts"]
        assert saved == {
            "min_severity": 3,
            "routes": [{"channels": ["inapp", "email"], "min_severity": 7}],
        }
        # an out-of-range severity is refused in the browser: nothing is saved
        page.wait_for_selector("body[data-alerts-loads='2']")  # the saved routing reloaded
        page.fill("#alerts-min", "0")
        assert page.evaluate("() => document.getElementById('alerts-min').validity.valid") is False
        page.click("#alerts-save")
        assert (
            world.store.workspaces.get_workspace_settings(world.ws["com"].id or 0)["alerts"]
            == saved
        )
        # report schedules: the default is shown as a form, its next runs previewed
        sched = page.locator("#schedules fieldset").first
        expect(sched.get_by_label("Name")).to_have_value("press-digest")
        expect(page.locator("#reports-preview")).to_contain_text("press-digest: ")
        sched.get_by_label("Times (HH:MM)").fill("07:45")
        expect(page.locator("#reports-preview")).to_contain_text("07:45")
        page.click("#reports-save")
        expect(page.locator("#reports-msg")).to_have_text("Saved.")
        # sources: one row each, coloured by status, with the error count
        expect(page.locator("#sources tr")).to_have_count(2)
        assert page.locator("#sources .status-ok").count() == 1
        bad = page.locator("#sources tr.health-bad")
        expect(bad).to_contain_text("stopped")
        expect(bad).to_contain_text("auth: 401")
        # headers stay on one line (they broke mid-word)
        wrapped = page.evaluate(
            """() => Array.from(document.querySelectorAll('th')).filter((th) =>
              th.textContent.trim() && th.getBoundingClientRect().height >
              1.8 * parseFloat(getComputedStyle(th).fontSize)).map((th) => th.textContent)"""
        )
        assert wrapped == []
        page.screenshot(path=shot("admin.png"), full_page=True)

        # wall layouts: a form and a preview of each screen
        page.goto(f"{base}/w/com/walls")
        page.wait_for_selector("body[data-loaded=yes]")
        assert page.locator("textarea").count() == 0
        wall = page.locator("#wall-forms fieldset.wall-form").first
        expect(wall.get_by_label("Name")).to_have_value("main")
        page.wait_for_selector("body[data-preview=ok]")
        expect(page.locator("#walls-preview .mini-screen")).to_have_count(3)
        wall.locator("select").first.select_option("showcase")
        expect(page.locator("#walls-problems")).to_contain_text("no alerts panel")
        # take the alerts panel off the third screen: the preview accepts it
        wall.locator(".screen-row").nth(2).get_by_label("Alerts").uncheck()
        page.wait_for_selector("body[data-preview=ok]")
        page.click("#save-layouts")
        expect(page.locator("#layouts-msg")).to_have_text("Saved.")
        walls = world.store.workspaces.get_workspace_settings(world.ws["com"].id or 0)["walls"]
        assert walls[0]["mode"] == "showcase" and walls[0]["screens"][2] == ["sentiment"]
    finally:
        ctx.close()
    assert problems == []
