"""End to end in Debian's Chromium: an analyst drafts a reply to a complaint in the
inbox, a press officer approves it, it is published to the local X-format server in
the right thread, the inbox item is answered, the audit chain verifies. The author
cannot approve her own draft; a forged account id is refused and audited.

With SOCIALHUB_SCREENSHOTS=1 it also writes docs/screenshots/engagement-*.png.
"""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import uvicorn

from socialhub.store.sqlite import SqliteStore

from .fake_x import FakeX
from .fakeserver import running
from .webworld import app_of, password, web_world
from .world import EngageWorld

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
SHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def served(sqlite_store: SqliteStore) -> Iterator[tuple[str, EngageWorld, FakeX]]:
    if not Path(CHROMIUM).exists():
        pytest.fail("Debian's Chromium is missing: apt-get install -y chromium", pytrace=False)
    holder: dict[str, Any] = {}
    fake = FakeX("tok-123", lambda: holder["clock"]())
    with running(fake):
        w = web_world(sqlite_store, fake.url)
        holder["clock"] = w.clock
        app = app_of(w)
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
            yield f"http://127.0.0.1:{port}", w, fake
        finally:
            server.should_exit = True
            thread.join(10)


def _login(page: Any, base: str, username: str) -> None:
    page.goto(f"{base}/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password(username))
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/")


def _shot(page: Any, name: str) -> None:
    if os.environ.get("SOCIALHUB_SCREENSHOTS") == "1":
        page.screenshot(path=str(SHOTS / name), full_page=True)


@pytest.mark.slow
def test_draft_approve_publish_in_chromium(served: tuple[str, EngageWorld, FakeX]) -> None:
    from playwright.sync_api import expect, sync_playwright

    base, w, fake = served
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            alice = browser.new_context(
                viewport={"width": 1280, "height": 900}, locale="fr-FR"
            ).new_page()
            alice.set_default_timeout(10_000)
            _login(alice, base, "alice")
            alice.goto(f"{base}/w/mirabelle-com/inbox")
            rows = alice.locator("tr.inbox-item")
            expect(rows).to_have_count(2)
            expect(rows.first).to_contain_text("jeanne_d")  # the complaint ranks first
            expect(rows.first).to_contain_text("réclamation")
            _shot(alice, "engagement-inbox.png")
            rows.first.locator("a.item-link").click()
            expect(alice.locator(".mention-text")).to_contain_text("inadmissible")
            options = alice.locator("select[name=account_id] option")
            expect(options).to_have_count(1)
            expect(options.first).to_have_text("x:@mirabellefr")
            alice.fill(
                "#reply-form textarea[name=text]",
                "Bonjour Jeanne, nos équipes interviennent sur votre ligne.",
            )
            alice.click("#submit-draft")
            draft = alice.locator("article.draft").first
            expect(draft.locator(".draft-status")).to_have_text("en attente")
            expect(draft.locator(".own")).to_be_visible()
            draft.locator("button.approve").click()  # her own draft: refused
            expect(alice.locator("body")).to_contain_text("Personne ne valide son propre brouillon")
            # a forged form: an account id the page never offered
            alice.go_back()
            alice.evaluate(
                "() => { const o = document.querySelector("
                "'#reply-form select option'); o.value = '999'; }"
            )
            alice.fill("#reply-form textarea[name=text]", "Depuis mon compte perso")
            alice.click("#submit-draft")
            expect(alice.locator("body")).to_contain_text("n'est pas un compte officiel déclaré")

            paul = browser.new_context(
                viewport={"width": 1280, "height": 900}, locale="fr-FR"
            ).new_page()
            paul.set_default_timeout(10_000)
            _login(paul, base, "paul")
            paul.goto(f"{base}/w/mirabelle-com/drafts")
            waiting = paul.locator("article.draft.st-waiting")
            expect(waiting).to_have_count(1)
            expect(waiting.locator(".draft-author")).to_have_text("alice")
            _shot(paul, "engagement-approval.png")
            waiting.locator("input[name=note]").first.fill("OK pour moi")
            waiting.locator("button.approve").click()
            published = paul.locator("article.draft.st-published")
            expect(published.locator(".published-id")).to_have_text(fake.posts[0]["id"])
            expect(paul.locator(".item-status")).to_have_text("répondu")
            _shot(paul, "engagement-published.png")
        finally:
            browser.close()
    assert len(fake.posts) == 1
    assert fake.posts[0]["referenced_tweets"] == [{"type": "replied_to", "id": "1799"}]
    chain = w.store.chain
    assert chain.verify("audit") is None
    actions = [e.action for e in chain.iter_entries("audit")]
    assert actions == [
        "draft.created",
        "approval.denied",
        "publish.refused",
        "draft.approved",
        "publication.attempt",
        "publication",
    ]
