"""The legal desk in a real browser (Debian's Chromium via Playwright): an analyst sends
a post to legal, legal sees the case, captures the page as shown (WARC, screenshot,
PDF through the address guard), exports the bundle, which verifies; a viewer cannot
see cases."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import uvicorn

from socialhub.legal.bundle import verify_bundle
from socialhub.legal.desk import LegalConfig
from socialhub.models import Author, Role, User
from socialhub.store.sqlite import SqliteStore
from socialhub.web.security import AuthConfig

from .helpers import (
    CHROMIUM,
    HOSTILE,
    Clock,
    _hash,
    build_world,
    launch_chromium,
    mention,
    password,
)

PAGE = (
    b"<!doctype html><html><head><meta charset=utf-8><title>Billet</title></head><body>"
    b"<h1>Mirabelle nous vole</h1><p>Un billet diffamatoire sur la marque.</p></body></html>"
)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def public_page() -> Iterator[int]:
    """A local server standing for the platform's public page of the post."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(PAGE)))
            self.end_headers()
            self.wfile.write(PAGE)

        def log_message(self, *args: object) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield int(server.server_address[1])
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.slow
def test_send_to_legal_capture_and_export_in_chromium(
    sqlite_store: SqliteStore, tmp_path: Path, public_page: int
) -> None:
    from playwright.sync_api import expect, sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail("Debian's Chromium is missing: apt-get install -y chromium", pytrace=False)
    world = build_world(sqlite_store, Clock())
    juriste = sqlite_store.accounts.upsert_user(User("juriste", "Juriste", "", _hash("juriste")))
    sqlite_store.accounts.set_membership(world.ws["com"].id or 0, juriste.id or 0, Role.LEGAL)
    url = f"http://127.0.0.1:{public_page}/status/700"
    author = Author("x", "u700", "@corbeau", "Le Corbeau")
    text = f"mirabelle nous vole {HOSTILE}"
    sqlite_store.mentions.add([mention(700, text, world.queries["brand"], url=url, author=author)])
    app = world.app()
    app.state.auth = AuthConfig()
    app.state.legal = LegalConfig(files=tmp_path / "evidence", allow=(f"127.0.0.1:{public_page}",))
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning",
                                           lifespan="off"))  # fmt: skip
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started
    base = f"http://127.0.0.1:{port}"
    problems: list[str] = []
    try:
        with sync_playwright() as pw:
            browser = launch_chromium(pw)
            try:

                def session(username: str):  # type: ignore[no-untyped-def]
                    context = browser.new_context(accept_downloads=True)
                    page = context.new_page()
                    page.set_default_timeout(30_000)
                    page.on("dialog", lambda d: (problems.append(d.message), d.dismiss()))
                    page.goto(f"{base}/login")
                    page.fill("input[name=username]", username)
                    page.fill("input[name=password]", password(username))
                    page.click("button[type=submit]")
                    page.wait_for_url(f"{base}/")
                    return page

                # The analyst sends the post to legal from its page.
                analyst = session("analyst")
                analyst.goto(f"{base}/w/com/m/x:700")
                analyst.select_option("#send-legal select[name=reason]", "defamation")
                analyst.fill("#send-legal input[name=title]", "Billet diffamatoire")
                analyst.fill("#send-legal textarea[name=note]", "Repéré par la veille")
                analyst.click("#send-legal button[type=submit]")
                expect(analyst.locator("#sent")).to_contain_text("case 1")
                assert analyst.locator("nav.wsnav a", has_text="Legal").count() == 0

                # Legal sees the case, captures the page, downloads the bundle.
                legal = session("juriste")
                legal.goto(f"{base}/w/com")
                legal.click("nav.wsnav a:has-text('Legal')")
                expect(legal.locator("#cases")).to_contain_text("Billet diffamatoire")
                legal.click("#cases a")
                expect(legal.locator("#items")).to_contain_text(HOSTILE)  # shown as text
                assert legal.locator("#items script, #items img").count() == 0
                legal.click(".capture-form button")
                expect(legal.locator("#captures")).to_contain_text("screenshot")
                assert legal.locator("tr.capture.ok").count() == 3
                shot = legal.locator("#screenshot")
                expect(shot).to_be_visible()
                assert (
                    legal.evaluate("() => document.getElementById('screenshot').naturalWidth") > 0
                )
                expect(legal.locator("#custody")).to_contain_text("capture.taken")
                with legal.expect_download() as info:
                    legal.click("#export-form button")
                bundle = tmp_path / "case-1.zip"
                info.value.save_as(bundle)
                verdict = verify_bundle(bundle)
                assert verdict.ok, verdict.problems
                assert verdict.custody_entries >= 6

                # A viewer cannot see cases.
                viewer = session("viewer")
                response = viewer.goto(f"{base}/w/com/legal/1")
                assert response is not None and response.status == 403
                viewer.goto(f"{base}/w/com/explore")
                assert viewer.locator("nav.wsnav a", has_text="Legal").count() == 0
            finally:
                browser.close()
    finally:
        server.should_exit = True
        thread.join(10)
    assert problems == []
