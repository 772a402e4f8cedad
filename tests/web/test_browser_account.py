"""Accounts in Chromium: a password change from /account ends the other sessions, a
deactivated user is refused and their open dashboard stops streaming, and a query
added after the dashboard opened feeds its (filtered) live stream."""

from __future__ import annotations

from typing import Any

import pytest

from socialhub.models import Query, utcnow

from .browser import Contexts
from .helpers import World, mention, password
from .test_browser import served  # noqa: F401  (the fixture)

pytestmark = pytest.mark.slow  # end to end: a real Chromium

NEW = "Quetsche-Bleue-2026"


def _watch(page: Any, problems: list[str]) -> None:
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.set_default_timeout(10_000)


def _login(page: Any, base: str, username: str, pw: str) -> None:
    page.goto(f"{base}/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", pw)
    page.click("button[type=submit]")


def test_password_change_and_deactivation_in_chromium(
    chromium: Any,
    served: tuple[str, World],  # noqa: F811
) -> None:
    from playwright.sync_api import expect

    base, world = served
    problems: list[str] = []
    browser = Contexts(chromium)
    try:
        # two browsers of the analyst; the first watches the dashboard
        first = browser.new_context().new_page()
        second = browser.new_context().new_page()
        for page in (first, second):
            _watch(page, problems)
            _login(page, base, "analyst", password("analyst"))
            page.wait_for_url(f"{base}/")
        first.goto(f"{base}/w/com")
        expect(first.locator("#live-state")).to_have_text("live")

        # a query created after the page opened feeds the open stream, here narrowed
        # to what the search panel matches
        first.fill("#q", "prune")
        first.click("#search button[type=submit]")
        first.check("#live-follow")
        expect(first.locator("#live-state")).to_have_text("live (filtered)")
        added = world.store.workspaces.upsert_query(
            Query(world.ws["com"].id or 0, "Offre", "prune")
        )
        brand = world.queries["brand"]
        world.live.publish(
            [
                mention(699, "mirabelle sans le mot", brand, created_at=utcnow()),
                mention(700, "prune en direct", added, created_at=utcnow()),
            ]
        )
        expect(first.locator('#live li[data-id="x:700"]')).to_contain_text("prune en direct")
        assert first.locator('#live li[data-id="x:699"]').count() == 0

        # the password form: mismatch refused, then changed
        second.goto(f"{base}/account")
        second.fill("input[name=current_password]", password("analyst"))
        second.fill("input[name=new_password]", NEW)
        second.fill("input[name=new_password2]", NEW + "x")
        second.click("#password-save")
        expect(second.locator("#password-error")).to_have_text("The two new passwords differ.")
        second.fill("input[name=current_password]", password("analyst"))
        second.fill("input[name=new_password]", NEW)
        second.fill("input[name=new_password2]", NEW)
        second.click("#password-save")
        expect(second.locator("#password-notice")).to_contain_text("1 other session(s) ended")
        second.goto(f"{base}/w/com")  # this session stays open
        assert second.url == f"{base}/w/com"

        # the first browser's stream ends and its session is gone
        expect(first.locator("#live-state")).to_have_text("ended: log in again")
        first.goto(f"{base}/w/com")
        assert "/login" in first.url
        _login(first, base, "analyst", password("analyst"))
        expect(first.locator(".error")).to_have_text("Wrong username or password.")
        _login(first, base, "analyst", NEW)
        first.wait_for_url(f"{base}/")

        # a site admin deactivates the viewer while the viewer's dashboard is open
        viewer = browser.new_context().new_page()
        _watch(viewer, problems)
        _login(viewer, base, "viewer", password("viewer"))
        viewer.wait_for_url(f"{base}/")
        viewer.goto(f"{base}/w/com")
        expect(viewer.locator("#live-state")).to_have_text("live")
        root = browser.new_context().new_page()
        _watch(root, problems)
        _login(root, base, "root", password("root"))
        root.wait_for_url(f"{base}/")
        root.click("header >> text=Users")
        row = root.locator('#users tr[data-username="viewer"]')
        row.locator("button", has_text="Deactivate").click()
        expect(row.locator(".state")).to_have_text("deactivated")
        expect(root.locator("#user-events")).to_contain_text("deactivated")
        expect(viewer.locator("#live-state")).to_have_text("ended: log in again")
        viewer.reload()
        assert "/login" in viewer.url
        _login(viewer, base, "viewer", password("viewer"))
        expect(viewer.locator(".error")).to_have_text("Wrong username or password.")
        # the admin's own row has no button; reactivation works from the same page
        assert root.locator('#users tr[data-username="root"] button').count() == 0
        row.locator("button", has_text="Reactivate").click()
        expect(row.locator(".state")).to_have_text("active")
        _login(viewer, base, "viewer", password("viewer"))
        viewer.wait_for_url(f"{base}/")
    finally:
        browser.close()
    # the refused forms answer with their status (the browser logs it); nothing else
    failed = "Failed to load resource: the server responded with a status of "
    assert sorted(problems) == [
        failed + "400 (Bad Request)",  # the two new passwords differ
        failed + "401 (Unauthorized)",  # the old password
        failed + "401 (Unauthorized)",  # the deactivated viewer
    ]
