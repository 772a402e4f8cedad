"""The dashboard's defaults in Chromium: period from the data, counts as they are, share
of voice over the declared queries with a legend, and no fake slices on an empty period.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest

from socialhub.models import Query, Role, Workspace, utcnow
from socialhub.store.sqlite import SqliteStore
from socialhub.web.security import AuthConfig

from .browser import log_in, serve, shot, watch
from .helpers import Clock, World, build_world, mention


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, World]]:
    store = SqliteStore(f"sqlite:///{tmp_path_factory.mktemp('dash') / 'db.sqlite'}")
    store.migrate()
    world = build_world(store, Clock())
    now = utcnow()
    # a workspace whose only data is a day and a half ending 20 hours ago (a first import)
    imp = store.workspaces.upsert_workspace(Workspace("imp", "Import", "Europe/Paris", locale="en"))
    ws = imp.id or 0
    store.accounts.set_membership(ws, world.users["analyst"].id or 0, Role.ANALYST)
    brand = store.workspaces.upsert_query(Query(ws, "Brand", "mirabelle"))
    rival = store.workspaces.upsert_query(Query(ws, "Rival <b>", "quetsche"))
    # an overlapping query that is not declared: it must stay out of the share of voice
    overlap = store.workspaces.upsert_query(Query(ws, "Brand complaints", "mirabelle AND panne"))
    store.workspaces.set_workspace_setting(
        ws, "share_of_voice", {"brand": ["Brand"], "competitors": ["Rival <b>"]}
    )
    batch = []
    for i in range(36):
        t = now - timedelta(hours=20 + i)
        batch.append(mention(1000 + i, "mirabelle panne", brand, created_at=t))
        if i % 3 == 0:
            batch.append(mention(2000 + i, "quetsche", rival, created_at=t))
            batch.append(mention(3000 + i, "mirabelle panne", overlap, created_at=t))
    store.mentions.add(batch)
    app = world.app()
    app.state.auth = AuthConfig()
    try:
        with serve(app) as base:
            yield base, world
    finally:
        store.close()


def _option(page: Any, chart: str) -> Any:
    return page.evaluate(f"() => SH.charts['{chart}'].getOption()")


def test_dashboard_opens_where_the_data_is(chromium: Any, site: tuple[str, World]) -> None:
    base, _ = site
    problems: list[str] = []
    ctx = chromium.new_context(viewport={"width": 1440, "height": 900})
    page = ctx.new_page()
    watch(page, problems)
    try:
        log_in(page, base, "analyst", "/w/imp")
        page.wait_for_selector("body[data-loaded=yes]")
        vol = _option(page, "chart-volume")
        buckets = vol["xAxis"][0]["data"]
        # under three days of data: hourly buckets over the data, not a squeezed week
        assert 36 <= len(buckets) <= 60, buckets
        assert page.locator("#period-label").text_content().endswith("per hour")  # type: ignore[union-attr]
        assert all(s["smooth"] is False for s in vol["series"])
        brand = next(s for s in vol["series"] if s["name"] == "Brand")
        assert sum(brand["data"]) == 36  # the counts as stored
        assert vol["legend"][0]["bottom"] == 0  # under the plot
        # share of voice: the declared brand and competitor only, with a legend
        sov = _option(page, "chart-sov")
        names = [d["name"] for d in sov["series"][0]["data"]]
        assert names == ["Brand (brand)", "Rival <b>"]
        assert sov["legend"][0]["show"] is not False
        assert page.locator("#where").is_hidden()

        # an empty period: no fake slices, and a hint that leads to the data
        page.select_option("#range", "custom")
        page.fill("#from", "2020-01-01")
        page.fill("#to", "2020-01-31")
        page.click("#custom-range button[type=submit]")
        page.wait_for_selector("#where:not([hidden])")
        assert "mentions run from" in (page.locator("#where").text_content() or "")
        page.wait_for_selector("body[data-sov=empty]")  # the panels answer one by one
        assert page.locator("#chart-sov").is_hidden()
        assert "No mention of the compared queries" in (
            page.locator("#sov-note").text_content() or ""
        )
        page.click("#go-data")
        page.wait_for_selector("#where[hidden]", state="attached")
        page.wait_for_selector("body[data-sov=drawn]")
        page.screenshot(path=shot("dashboard-auto-period.png"))
    finally:
        ctx.close()
    assert problems == []
