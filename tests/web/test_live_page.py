"""The minimal live page and its JSON API: escaping, errors as JSON, live fan-out."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from fastapi.testclient import TestClient

from socialhub.models import Author, Mention, Workspace
from socialhub.web.app import create_app
from socialhub.web.live import LiveFeed

HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def hostile_mention(n: int = 1) -> Mention:
    return Mention(
        "x",
        str(n),
        f"Mirabelle {HOSTILE}",
        datetime(2026, 3, 2, 9, 0, tzinfo=UTC),
        author=Author("x", "7", "evil", name="<b>Evil</b>"),
        lang="fr",
    )


def test_hostile_text_is_escaped_on_the_page(sqlite_store) -> None:
    sqlite_store.upsert_workspace(Workspace("ws", "<i>WS</i>"))
    sqlite_store.add([hostile_mention()])
    client = TestClient(create_app(sqlite_store))
    html = client.get("/").text
    assert "<script>alert" not in html
    assert "<img src=x" not in html
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in html
    assert "&lt;b&gt;Evil&lt;/b&gt;" in html
    assert "&lt;i&gt;WS&lt;/i&gt;" in html
    # the live script builds nodes with textContent only
    js = client.get("/static/live.js").text
    assert "innerHTML" not in js.replace("never innerHTML", "")


def test_api_search_count_and_clear_errors(sqlite_store) -> None:
    sqlite_store.add([hostile_mention(1), hostile_mention(2)])
    client = TestClient(create_app(sqlite_store))
    r = client.get("/api/mentions", params={"q": "mirabelle", "limit": 1})
    assert r.status_code == 200
    body = r.json()
    assert len(body["items"]) == 1 and HOSTILE in body["items"][0]["text"]
    assert "raw" not in body["items"][0]
    assert client.get("/api/count", params={"q": "mirabelle"}).json() == {"count": 2}
    bad = client.get("/api/mentions", params={"q": "mirabelle AND (panne"})
    assert bad.status_code == 400
    assert bad.json()["error"] == "query_syntax" and bad.json()["column"] >= 1
    assert client.get("/api/count", params={"since": "yesterday"}).status_code == 400
    assert client.get("/api/count", params={"workspace": "nope"}).status_code == 400


def test_live_feed_fans_out_and_drops_oldest_for_slow_clients() -> None:
    async def main() -> tuple[list[bytes], int]:
        feed = LiveFeed(per_client=2)
        stream = feed.subscribe(keepalive=0.05)
        first = asyncio.ensure_future(stream.__anext__())
        await asyncio.sleep(0)  # the client is registered once the generator starts
        assert feed.clients == 1
        feed.publish([hostile_mention(1), hostile_mention(2), hostile_mention(3)])
        got = [await first, await stream.__anext__()]
        keepalive = await stream.__anext__()
        await stream.aclose()
        return [*got, keepalive], feed.clients

    got, clients = asyncio.run(main())
    assert got[0].startswith(b"event: mention\ndata: ")
    # the queue holds two: the oldest (1) made room for 3
    assert b'"native_id":"2"' in got[0] and b'"native_id":"3"' in got[1]
    assert got[2] == b": keepalive\n\n"
    assert clients == 0
