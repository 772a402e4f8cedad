"""Incidents in Chromium (issue 14): the incident page in French, a playbook step ticked
and a note added onto the timeline, the incident closed by a person; an unacknowledged
incident paged to the on-call webhook (injected clock), acknowledged from the page, and
paged no more."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from playwright.sync_api import expect

from alerts.servers import http_server  # the shared webhook receiver
from socialhub.alerts.incidents import IncidentDesk
from socialhub.alerts.paging import Pager
from socialhub.store.sqlite import SqliteStore
from socialhub.web.security import AuthConfig

from .browser import axe_violations, log_in, serve, shot, watch
from .helpers import Clock, World, build_world


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, World, str, Any]]:
    store = SqliteStore(f"sqlite:///{tmp_path_factory.mktemp('inc') / 'db.sqlite'}")
    store.migrate()
    world = build_world(store, Clock())
    app = world.app()
    app.state.auth = AuthConfig()
    try:
        with http_server() as (hook, inbox), serve(app) as base:
            # the workspace reads French (the pages are checked in it)
            store.workspaces.upsert_workspace(dataclasses.replace(world.ws["com"], locale="fr"))
            ws = world.ws["com"].id or 0
            store.workspaces.set_workspace_setting(
                ws,
                "incidents",
                {"oncall": {"min_severity": 8, "ack_minutes": 15, "rotation": [
                    {"days": "mon-sun", "hours": "00:00-24:00",
                     "chain": [f"webhook:{hook}/sms", f"webhook:{hook}/chef"]}]}},
            )  # fmt: skip
            yield base, world, hook, inbox
    finally:
        store.close()


def test_incident_page_playbook_and_close(chromium: Any, site: tuple[str, World, str, Any]) -> None:
    base, world, _, _ = site
    ws = world.ws["com"].id or 0
    inc = IncidentDesk(world.store).open(ws, "Panne réseau <b>Lyon</b>", "admin", category="volume")
    problems: list[str] = []
    ctx = chromium.new_context(viewport={"width": 1280, "height": 900})
    page = ctx.new_page()
    watch(page, problems)
    try:
        log_in(page, base, "analyst", "/w/com/incidents")
        expect(page.locator("#incidents")).to_contain_text("Panne réseau <b>Lyon</b>")
        page.click(f"#incidents a[href='/w/com/incidents/{inc.id}']")
        page.wait_for_selector("body[data-ready=yes]")
        expect(page.locator("h1#title")).to_have_text("Panne réseau <b>Lyon</b>")
        expect(page.locator("#steps")).to_contain_text("Prévenir l'équipe qualité de service")
        expect(page.locator("h2", has_text="Procédure")).to_contain_text("0/3")
        page.locator("input.step[value=qos]").check()
        page.wait_for_selector("body[data-ready=yes]")
        expect(page.locator("#progress")).to_have_text("1/3")
        expect(page.locator("#timeline li[data-kind=step_done]")).to_contain_text("analyst")
        page.fill("#note", "La QoS confirme une panne à Lyon")
        page.click("#note-form button")
        expect(page.locator("#timeline li[data-kind=note]")).to_contain_text("La QoS confirme")
        page.screenshot(path=shot("incident.png"), full_page=True)
        page.click("#close")
        expect(page.locator("#status")).to_have_attribute("data-status", "closed")
        assert problems == []
    finally:
        ctx.close()
    got = world.store.incidents.get_incident(inc.id or 0)
    assert got is not None and got.closed_by == "analyst"


def test_escalation_then_acknowledgement_in_the_page(
    chromium: Any, site: tuple[str, World, str, Any]
) -> None:
    base, world, _, inbox = site
    ws = world.ws["com"].id or 0
    now = [datetime.now(UTC)]
    desk = IncidentDesk(world.store, clock=lambda: now[0])
    pager = Pager(world.store, desk=desk, clock=lambda: now[0])
    inc = desk.open(ws, "Rumeur sur les données", "admin", severity=9)
    before = len(inbox.requests)
    now[0] += timedelta(minutes=16)
    [page_sent] = pager.run()
    assert page_sent.status == "sent" and len(inbox.requests) == before + 1
    problems: list[str] = []
    ctx = chromium.new_context(viewport={"width": 1280, "height": 900})
    page = ctx.new_page()
    watch(page, problems)
    try:
        log_in(page, base, "analyst", f"/w/com/incidents/{inc.id}")
        expect(page.locator("#ack-state")).to_contain_text("Non pris en charge")
        expect(page.locator("#pages")).to_contain_text("/sms")
        page.click("#ack")
        expect(page.locator("#ack-state")).to_contain_text("Pris en charge par analyst")
        expect(page.locator("#owner")).to_have_text("admin")
        assert problems == []
    finally:
        ctx.close()
    # no serious accessibility violation on the two pages (axe needs the CSP bypassed)
    ctx = chromium.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)
    page = ctx.new_page()
    try:
        log_in(page, base, "analyst", "/w/com/incidents")
        assert axe_violations(page) == []
        page.goto(f"{base}/w/com/incidents/{inc.id}")
        page.wait_for_selector("body[data-ready=yes]")
        assert axe_violations(page) == []
    finally:
        ctx.close()
    now[0] += timedelta(minutes=30)
    assert pager.run() == []  # acknowledged in the page: the next level is not paged
    assert len(inbox.requests) == before + 1
