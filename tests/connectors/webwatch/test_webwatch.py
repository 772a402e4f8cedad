"""WebWatchConnector: selectors, hostile HTML, robots.txt, politeness, later polls, errors."""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson
import pytest

from socialhub.connectors.base import (
    AuthError,
    MalformedPayload,
    Page,
    RateLimited,
    Target,
    Unavailable,
)
from socialhub.connectors.webwatch import WebWatchConnector
from socialhub.connectors.webwatch.client import RobotsDisallowed
from socialhub.connectors.webwatch.extract import Selectors, extract
from socialhub.connectors.webwatch.normalize import item_to_mention

from ..canned_server import Reply, Request, serve

FIXTURES = Path(__file__).parents[3] / "src/socialhub/connectors/webwatch/fixtures"
NOW = datetime(2026, 1, 30, 12, 0, tzinfo=UTC)
SELECTORS = {
    "item": "article.post",
    "author": ".author",
    "date": "time",
    "text": ".content",
    "id_attr": "data-post-id",
    "next": "a[rel=next]",
}
HTML = {"Content-Type": "text/html; charset=utf-8"}


def page_html(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def test_golden_topic_and_hostile_html_is_plain_text() -> None:
    thread = "https://forum.example/forum/t/42"
    sel = Selectors.from_options(SELECTORS)
    found = extract(page_html("topic_page1.html").decode(), thread, sel)
    assert found.next_url == "https://forum.example/forum/t/42?page=2"
    mentions, reasons = [], []
    for item in found.items:
        try:
            mentions.append(
                item_to_mention(
                    item,
                    thread_url=thread,
                    page_url=thread,
                    platform="forum",
                    match_query="fictitel",
                    collected_at=NOW,
                    title=found.title,
                )
            )
        except ValueError as exc:
            reasons.append(str(exc))
    assert reasons == ["unreadable or missing date ''"]
    hostile = mentions[1].text
    assert hostile == "Pareil ici.\nHotline saturée.\n<script>ceci est du texte</script>"
    assert "alert" not in hostile and "steal" not in hostile and "display" not in hostile
    assert mentions[1].created_at == datetime(2026, 1, 30, 7, 20, tzinfo=UTC)  # Paris time
    assert mentions[0].url == f"{thread}#1001"
    got = []
    for m in mentions:
        d = m.to_dict()
        d["raw"].pop("html")  # evidence kept, too long for a readable golden file
        got.append(orjson.loads(orjson.dumps(d)))
    path = FIXTURES / "expected" / "topic.json"
    if os.environ.get("SOCIALHUB_UPDATE_GOLDEN"):
        path.write_bytes(orjson.dumps(got, option=orjson.OPT_INDENT_2) + b"\n")
    assert got == orjson.loads(path.read_bytes())


class Forum:
    """A forum whose topic grows: page 2 gets a new message after the first poll."""

    def __init__(self, robots: str = "User-agent: *\nDisallow: /admin/\n") -> None:
        self.robots = robots
        self.grown = False

    def __call__(self, req: Request) -> Reply:
        if req.path == "/robots.txt":
            return Reply(body=self.robots, headers={"Content-Type": "text/plain"})
        if req.path == "/forum/t/42" and req.query.get("page") == "2":
            body = page_html("topic_page2.html").decode()
            if self.grown:
                extra = (
                    '<article class="post" data-post-id="1005"><span class="author">Alex</span>'
                    '<time datetime="2026-01-30T09:30:00+01:00"></time>'
                    '<div class="content">Toujours rien rue Fictive.</div></article>'
                )
                body = body.replace("</div>\n</body>", extra + "</div>\n</body>")
            return Reply(body=body, headers=HTML)
        if req.path == "/forum/t/42":
            return Reply(body=page_html("topic_page1.html"), headers=HTML)
        return Reply(404, "not found", HTML)


async def sweep(
    conn: WebWatchConnector, target: Target, cursor: Any = None
) -> tuple[list[Page], Any]:
    pages = []
    for _ in range(20):
        page = await conn.fetch(target, cursor)
        pages.append(page)
        cursor = orjson.loads(orjson.dumps(page.cursor))
        if page.done:
            return pages, cursor
    raise AssertionError("the sweep never ended")


def test_pages_followed_new_comments_picked_up_politely() -> None:
    forum = Forum()
    with serve(forum) as (base, requests):
        target = Target("page", f"{base}/forum/t/42", "fictitel", {**SELECTORS})

        async def main() -> tuple[list[Page], list[Page], list[Page]]:
            conn = WebWatchConnector(min_delay=0.25, clock=lambda: NOW)
            try:
                first, cursor = await sweep(conn, target)
                forum.grown = True
                second, cursor = await sweep(conn, target, cursor)
                third, _ = await sweep(conn, target, cursor)
                return first, second, third
            finally:
                await conn.close()

        started = time.monotonic()
        first, second, third = asyncio.run(main())
        elapsed = time.monotonic() - started
    texts = [m.text for p in first for m in p.mentions]
    assert len(texts) == 3 and texts[-1] == "C'est revenu à 9h !"
    assert [m.text for p in second for m in p.mentions] == ["Toujours rien rue Fictive."]
    assert [m.text for p in third for m in p.mentions] == []  # nothing twice
    pages_read = [r for r in requests if r.path != "/robots.txt"]
    # oldest-first topic: later polls resume from the last page, not from page 1
    assert [r.query.get("page") for r in pages_read] == [None, "2", "2", "2"]
    assert [r.path for r in requests].count("/robots.txt") == 1  # cached per host
    assert all("socialhub" in r.headers["user-agent"] for r in requests)
    assert elapsed >= 0.25 * (len(requests) - 1) * 0.9  # the per-host delay was kept


def test_robots_disallow_is_respected() -> None:
    forum = Forum(robots="User-agent: *\nDisallow: /forum/\n")
    with serve(forum) as (base, requests):

        async def main() -> None:
            conn = WebWatchConnector(min_delay=0)
            try:
                await conn.fetch(Target("page", f"{base}/forum/t/42", "", SELECTORS), None)
            finally:
                await conn.close()

        with pytest.raises(RobotsDisallowed):
            asyncio.run(main())
    assert [r.path for r in requests] == ["/robots.txt"]  # the page itself never fetched


def test_next_link_looping_back_ends_the_sweep() -> None:
    looping = page_html("topic_page2.html").replace(
        b"</body>", b'<a rel="next" href="/forum/t/42">again</a></body>'
    )
    with serve(
        lambda r: Reply(body=looping, headers=HTML) if r.path != "/robots.txt" else Reply(404, "")
    ) as (base, _requests):

        async def main() -> list[Page]:
            conn = WebWatchConnector(min_delay=0)
            try:
                return (await sweep(conn, Target("page", f"{base}/forum/t/42", "", SELECTORS)))[0]
            finally:
                await conn.close()

        pages = asyncio.run(main())
    assert len(pages) == 1 and pages[0].done and len(pages[0].mentions) == 1


def one(handler: Callable[[Request], Reply], **kw: Any) -> Page:
    def wrapped(req: Request) -> Reply:
        return Reply(404, "", {}) if req.path == "/robots.txt" else handler(req)

    with serve(wrapped) as (base, _):

        async def main() -> Page:
            conn = WebWatchConnector(min_delay=0, **kw)
            try:
                return await conn.fetch(Target("page", f"{base}/t", "", SELECTORS), None)
            finally:
                await conn.close()

        return asyncio.run(main())


def test_http_errors_map_to_typed_errors() -> None:
    with pytest.raises(RateLimited) as err:
        one(lambda r: Reply(429, "slow", {"Retry-After": "12", **HTML}))
    assert err.value.retry_after == 12
    with pytest.raises(Unavailable):
        one(lambda r: Reply(502, "bad gateway", HTML))
    with pytest.raises(Unavailable, match="timeout"):
        one(lambda r: Reply(body="<html></html>", headers=HTML, delay=0.6), timeout=0.2)
    with pytest.raises(AuthError):
        one(lambda r: Reply(403, "forbidden", HTML))
    with pytest.raises(MalformedPayload):
        one(lambda r: Reply(body=b'{"not": "html"}', headers={"Content-Type": "application/json"}))
    with pytest.raises(MalformedPayload):
        one(lambda r: Reply(body=b"   ", headers=HTML))
