"""Every internal link of every reachable page answers: a crawl in Chromium of a
workspace with mentions from several platforms, whose ids hold slashes, colons, query
strings and percent signs (Bluesky ``at://`` URIs, Mastodon and RSS URLs). Before: every
Bluesky mention's "open" link was a 404 (``%2F`` in the id)."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from urllib.parse import quote, urldefrag, urlsplit

import pytest

from socialhub.hub import _QuietServer, web_config
from socialhub.models import Author, Mention, utcnow
from socialhub.store.sqlite import SqliteStore
from socialhub.web.security import AuthConfig

from .helpers import CHROMIUM, Clock, World, build_world, launch_chromium, login, password

BSKY_ROOT = "at://did:plc:abc123/app.bsky.feed.post/3kroot"
BSKY_REPLY = "at://did:plc:xyz789/app.bsky.feed.post/3kreply"
MASTODON = "https://mastodon.social/users/marie/statuses/112233"
RSS = "https://www.example.fr/actu/panne?id=7&lang=fr#comments"
ODD = "forum 50%/thread:1"


def _add_platform_mentions(world: World) -> list[str]:
    query = world.queries["brand"]
    now = utcnow()

    def make(platform: str, native: str, text: str, minutes: int, **kw: object) -> Mention:
        return Mention(
            platform,
            native,
            text,
            now - timedelta(minutes=minutes),
            author=Author(platform, f"{platform}-a", f"{platform}_author", name="Auteur"),
            lang="fr",
            query_ids=[query.id or 0],
            raw={"id": native},
            **kw,  # type: ignore[arg-type]
        )

    items = [
        make("bsky", BSKY_ROOT, "mirabelle panne générale", 5),
        make("bsky", BSKY_REPLY, "mirabelle chez moi aussi", 4, reply_to=f"bsky:{BSKY_ROOT}"),
        make("mastodon", MASTODON, "mirabelle toujours en panne", 3),
        make("rss", RSS, "mirabelle : la panne expliquée", 2),
        make("forum", ODD, "mirabelle forum", 1),
    ]
    world.store.mentions.add(items)
    return [m.id for m in items]


def test_ids_with_slashes_route_to_the_page_and_the_api(world: World) -> None:
    ids = _add_platform_mentions(world)
    client = login(world.client(), "admin")
    for mention_id in ids:
        encoded = quote(mention_id, safe="")  # what encodeURIComponent sends
        page = client.get(f"/w/com/m/{encoded}", headers={"Accept": "text/html"})
        assert page.status_code == 200, (mention_id, page.status_code)
        api = client.get(f"/api/workspaces/com/mentions/{encoded}")
        assert api.status_code == 200, (mention_id, api.text[:200])
        assert api.json()["mention"]["id"] == mention_id
        raw = client.get(f"/api/workspaces/com/mentions/{encoded}/raw")
        assert raw.status_code == 200 and raw.json()["id"] == mention_id
    reply = client.get(f"/api/workspaces/com/mentions/{quote(ids[1], safe='')}").json()
    parent = reply["thread"]["parent"]  # the thread resolves across slashes too
    assert parent["id"] == ids[0] and parent["mention"]["id"] == ids[0]
    missing = client.get("/api/workspaces/com/mentions/bsky%3Aat%3A%2F%2Fnope%2Fx")
    assert missing.status_code == 404


@pytest.fixture
def served(sqlite_store: SqliteStore) -> Iterator[tuple[str, World]]:
    if not Path(CHROMIUM).exists():
        pytest.fail("Debian's Chromium is missing: apt-get install -y chromium", pytrace=False)
    world = build_world(sqlite_store, Clock())
    _add_platform_mentions(world)
    app = world.app()
    app.state.auth = AuthConfig()  # the browser lives in real time
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = _QuietServer(web_config(app, "127.0.0.1", port))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    started = threading.Event()
    for _ in range(1000):  # until uvicorn says it listens (no fixed sleep)
        if server.started:
            break
        started.wait(0.01)
    assert server.started, "the web server did not start"
    try:
        yield f"http://127.0.0.1:{port}", world
    finally:
        server.should_exit = True
        thread.join(10)


DOWNLOADS = (".pdf", "/export", ".csv", ".jsonl")


@pytest.mark.slow
def test_crawl_every_internal_link(served: tuple[str, World]) -> None:
    from playwright.sync_api import sync_playwright

    base, _ = served
    bad: list[str] = []
    visited: set[str] = set()
    with sync_playwright() as pw:
        browser = launch_chromium(pw)
        try:
            page = browser.new_page()
            page.set_default_timeout(15_000)
            page.on("pageerror", lambda e: bad.append(f"script error: {e}"))
            page.on(
                "response",
                lambda r: (
                    bad.append(f"{r.status} {r.url}")
                    if r.status >= 400 and r.url.startswith(base)
                    else None
                ),
            )
            page.goto(f"{base}/login")
            page.fill("input[name=username]", "admin")
            page.fill("input[name=password]", password("admin"))
            page.click("button[type=submit]")
            page.wait_for_url(f"{base}/")
            todo = ["/"]
            while todo:
                path = todo.pop(0)
                if path in visited:
                    continue
                visited.add(path)
                if path.endswith(DOWNLOADS) or "/export" in path:
                    status = page.request.get(base + path).status
                    if status >= 400:
                        bad.append(f"{status} {path}")
                    continue
                response = page.goto(base + path, wait_until="load")
                assert response is not None
                # pages whose script renders links flag it on <body> when done
                scripted = page.locator("script[src^='/static/']:not([src$='common.js'])")
                if scripted.count():
                    page.wait_for_selector("body[data-loaded]", state="attached")
                hrefs = page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)")
                for href in hrefs:
                    href, _ = urldefrag(href)
                    if not href.startswith(base):
                        continue
                    parts = urlsplit(href)
                    target = parts.path + (f"?{parts.query}" if parts.query else "")
                    if target not in visited and "/logout" not in target:
                        todo.append(target)
        finally:
            browser.close()
    assert not bad, bad
    opened = {p for p in visited if p.startswith("/w/com/m/")}
    assert any("at%3A%2F%2F" in p for p in opened), sorted(visited)  # Bluesky
    assert any("mastodon.social" in p for p in opened), sorted(visited)
    assert len(visited) >= 12, sorted(visited)
