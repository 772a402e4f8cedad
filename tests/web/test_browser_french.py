"""What the page scripts write, in French: the dashboard, alerts, explore, a mention,
walls, admin and the wall of a French workspace in Chromium, checked like the server's
HTML (tests/web/french.py); dates in the workspace's zone on a 24-hour clock.

``SOCIALHUB_SCREENSHOTS=docs/images`` keeps the French dashboard's screenshot.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator
from typing import Any

import pytest

from socialhub.alerts.manager import AlertManager
from socialhub.models import QuarantineItem
from socialhub.records.quarantine import Reason
from socialhub.records.signals import Signal
from socialhub.store.sqlite import SqliteStore
from socialhub.web.security import AuthConfig

from .browser import log_in, serve, shot, watch
from .french import english_in
from .helpers import NOW, Clock, World, build_world

pytestmark = pytest.mark.slow  # end to end: a real Chromium

# names and data of the test world (users, queries), not product text
ALLOWED = frozenset(
    {"Communication <i>", "Brand", "Rival <b>", "Outages", "admin", "Admin", "analyst", "press",
     "viewer", "Analyst", "Press", "Viewer"}
)  # fmt: skip
PAGES = ("/w/com", "/w/com/alerts", "/w/com/explore", "/w/com/m/x:1", "/w/com/walls",
         "/w/com/admin")  # fmt: skip


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, World]]:
    store = SqliteStore(f"sqlite:///{tmp_path_factory.mktemp('fr') / 'db.sqlite'}")
    store.migrate()
    world = build_world(store, Clock())
    for slug in ("com", "qos"):
        store.workspaces.upsert_workspace(dataclasses.replace(world.ws[slug], locale="fr"))
    outage = Signal(
        detector="complaints", version="1", key="complaint:network_outage:*", t=NOW,
        severity=7, observed=70.0, baseline=16.7, threshold=40.0, score=5.1,
        title="network_outage complaints everywhere: 70 in 15 min, 4.2× the usual (rising)",
        workspace_id=world.ws["com"].id, evidence=["x:1"],
    )  # fmt: skip
    AlertManager(store).process(outage)
    app = world.app()
    app.state.auth = AuthConfig()
    try:
        with serve(app) as base:
            yield base, world
    finally:
        store.close()


def _visible(page: Any) -> list[str]:
    """Text nodes and the visible attributes, as a person (or a screen reader) gets them."""
    nodes: list[str] = page.evaluate(
        """() => {
      const out = [];
      const walk = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
      while (walk.nextNode()) {
        const n = walk.currentNode, p = n.parentElement;
        if (!p || p.closest("script, style, [hidden]")) continue;
        const t = n.textContent.replace(/\\s+/g, " ").trim();
        if (t) out.push(t);
      }
      document.querySelectorAll("[title], [placeholder], [aria-label], [alt]").forEach((e) => {
        ["title", "placeholder", "aria-label", "alt"].forEach((a) => {
          const v = (e.getAttribute(a) || "").trim();
          if (v) out.push(v);
        });
      });
      return out;
    }"""
    )
    return nodes


def test_the_scripts_write_french_in_a_french_workspace(
    chromium: Any, site: tuple[str, World]
) -> None:
    base, _world = site
    errors: list[str] = []
    ctx = chromium.new_context(viewport={"width": 1280, "height": 900}, locale="en-US")
    page = ctx.new_page()
    watch(page, errors)
    problems: list[str] = []
    try:
        log_in(page, base, "admin", "/w/com")
        for path in PAGES:
            page.goto(base + path)
            page.wait_for_selector("body[data-loaded=yes]")
            if path == "/w/com/admin":
                page.wait_for_selector("body[data-settings=yes]")
            problems += [f"{path}: {p}" for p in english_in(_visible(page), ALLOWED)]
            if path == "/w/com":
                page.wait_for_timeout(500)  # charts drawn
                page.screenshot(path=shot("dashboard-fr.png"))
                text = page.inner_text("body")
                assert "Réclamations « panne réseau » partout" in text
                assert "Aucune" in text or "Principaux auteurs" in text
                label = page.inner_text("#period-label")
                # the workspace's zone and a 24-hour clock: "02/03/2026 13:00 – …"
                assert re.search(r"\d\d/\d\d/\d{4} \d\d:\d\d", label), label
                assert "AM" not in label and "PM" not in label
        wall = ctx.new_page()
        watch(wall, errors)
        wall.goto(base + "/wall/com/main")
        wall.wait_for_selector("body[data-loaded=yes]")
        problems += [f"wall: {p}" for p in english_in(_visible(wall), ALLOWED)]
        clock = wall.inner_text("#wall-clock")
        assert re.fullmatch(r"\d\d:\d\d", clock), clock
    finally:
        ctx.close()
    assert problems == [], "\n".join(problems)
    assert [e for e in errors if "favicon" not in e] == []


def test_a_query_error_in_explore_reads_french(chromium: Any, site: tuple[str, World]) -> None:
    """The API answers a syntax error with ``message`` in English and ``display_message``
    in the reader's language; Explore shows the latter (an English browser, a French
    workspace: the workspace's language wins, as on its pages)."""
    base, _world = site
    ctx = chromium.new_context(locale="en-US")
    page = ctx.new_page()
    page.set_default_timeout(10_000)
    answers: list[Any] = []
    page.on("response", lambda r: answers.append(r) if "/mentions?" in r.url else None)
    try:
        log_in(page, base, "analyst", "/w/com/explore")
        page.wait_for_selector("body[data-loaded=yes]")
        page.fill("#q", "(mirabelle OR")
        page.click("#explore button[type=submit]")
        page.wait_for_selector("#search-error:not(:empty)")
        shown = page.inner_text("#search-error")
        page.wait_for_selector("#lint li")
        lint = page.inner_text("#lint")
        bad = next(r for r in answers if r.status == 400)
        body = bad.json()
    finally:
        ctx.close()
    assert body["error"] == "query_syntax"
    assert body["message"] != body["display_message"]  # English for API clients and logs
    assert shown == body["display_message"], (shown, body)
    assert body["message"] == "OR needs a term after it"
    assert shown == "OR attend un terme après lui"
    assert english_in([shown, *lint.splitlines()], ALLOWED) == [], (shown, lint)
    assert "OR attend un terme après lui" in lint and body["message"] not in lint, lint


def test_explore_opens_where_the_data_is_and_shows_an_authorless_post(
    chromium: Any, site: tuple[str, World]
) -> None:
    """An imported archive (CrisisLex, 2013) opened Explore on "7 days": "No mention
    found." while the dashboard showed it; and a post without author or platform read
    "@ · unknown ·". Explore now opens on "where the data is", like the dashboard."""
    from datetime import timedelta

    from socialhub.models import Mention

    base, world = site
    brand = world.queries["brand"]
    when = NOW - timedelta(minutes=30)
    text = "mirabelle, texte importé sans auteur"
    anonymous = Mention("unknown", "anon-1", text, when, lang="fr", query_ids=[brand.id or 0])
    world.store.mentions.add([anonymous])
    ctx = chromium.new_context(locale="fr-FR")
    page = ctx.new_page()
    errors: list[str] = []
    watch(page, errors)
    try:
        log_in(page, base, "analyst", "/w/com/explore")
        page.wait_for_selector("body[data-loaded=yes]")
        assert page.input_value("#range") == "auto"
        assert (page.get_attribute("#q", "placeholder") or "").startswith("p. ex. ")
        items = page.locator("#results li.mention")
        assert items.count() > 0, page.inner_text("#results")
        meta = page.locator("#results li.mention", has_text="sans auteur").inner_text()
        assert "inconnue ·" in meta and "@ " not in meta and "unknown" not in meta, meta
        facets = page.inner_text("#facets")
        assert "inconnue (1)" in facets and "unknown" not in facets, facets
        assert "Liste de suivi" in facets and "Liste De Suivi" not in facets, facets
    finally:
        ctx.close()
    assert [e for e in errors if "favicon" not in e] == []


def test_the_quarantine_page_reads_french(chromium: Any, site: tuple[str, World]) -> None:
    """Reasons stored with a code are written in the reader's language (a site admin who
    prefers French, in an English browser); a row stored before codes, as stored."""
    base, world = site
    world.store.sources.quarantine(
        [
            QuarantineItem("import:csv:a.csv", Reason("csv_field_count", count=3, width=5), "a;b"),
            QuarantineItem("import:jsonl:b.jsonl", Reason("missing_text"), "{}"),
            QuarantineItem("import:jsonl:old.jsonl", "missing field 'text'", "{}"),
        ]
    )
    world.store.accounts.set_user_locale(world.users["root"].id or 0, "fr")
    ctx = chromium.new_context(locale="en-US")
    page = ctx.new_page()
    try:
        log_in(page, base, "root", "/quarantine")
        page.wait_for_selector("body[data-loaded=yes]")
        nodes = _visible(page)
        rows = page.inner_text("#q-items")
    finally:
        ctx.close()
    assert "nombre de champs incorrect : 3 champ(s), l'en-tête en a 5" in rows, rows
    assert "texte manquant : le texte est vide" in rows
    assert "missing field 'text'" in rows  # stored before codes: as stored
    assert "wrong field count" not in rows
    old = "missing field 'text'"
    assert english_in([n for n in nodes if n != old], ALLOWED) == [], nodes
