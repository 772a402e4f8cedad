"""YouTubeConnector: golden files and a local server with documented Data API payloads."""

from __future__ import annotations

import asyncio
import os
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
from socialhub.connectors.youtube import YouTubeConnector
from socialhub.connectors.youtube.client import seconds_to_pacific_midnight
from socialhub.connectors.youtube.normalize import search_item_to_mention, thread_to_mentions

from ..canned_server import Reply, Request, serve

FIXTURES = Path(__file__).parents[3] / "src/socialhub/connectors/youtube/fixtures"
NOW = datetime(2026, 1, 30, 12, 0, tzinfo=UTC)
ENV = {"SOCIALHUB_YOUTUBE_API_KEY": "key-abc"}
SEARCH = Target("search", "fictitel", match_query="fictitel")
EMPTY = b'{"kind": "youtube#commentThreadListResponse", "items": []}'


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def records(mentions: list[Any]) -> list[dict[str, Any]]:
    out = []
    for m in mentions:
        d = m.to_dict()
        d.pop("raw")
        out.append(orjson.loads(orjson.dumps(d)))
    return out


def check_golden(name: str, got: list[dict[str, Any]]) -> None:
    path = FIXTURES / "expected" / name
    if os.environ.get("SOCIALHUB_UPDATE_GOLDEN"):
        path.write_bytes(orjson.dumps(got, option=orjson.OPT_INDENT_2) + b"\n")
    assert got == orjson.loads(path.read_bytes())


def test_golden_search_and_threads() -> None:
    items = orjson.loads(fixture("search_page1.json"))["items"]
    videos = records([search_item_to_mention(i, match_query="q", collected_at=NOW) for i in items])
    assert videos[0]["text"].startswith("Panne Fictitel : ce qu'il faut savoir")  # unescaped
    assert "&amp;" not in videos[0]["text"]
    check_golden("search.json", videos)
    threads = orjson.loads(fixture("comment_threads.json"))["items"]
    comments = records(
        [m for t in threads for m in thread_to_mentions(t, match_query="q", collected_at=NOW)]
    )
    assert [c["native_id"] for c in comments] == [
        "UgzThread0000000001",
        "UgzThread0000000001.AbCdReply01",
        "UgzThread0000000000",
    ]
    assert comments[0]["reply_to"] == "youtube:vid00000001"
    assert comments[1]["reply_to"] == "youtube:UgzThread0000000001"
    assert {c["root_id"] for c in comments} == {"youtube:vid00000001"}
    assert comments[1]["author"]["handle"] == "@voisin_fictif"
    check_golden("comment_threads.json", comments)


def api(req: Request) -> Reply:
    if req.path == "/search":
        page2 = req.query.get("pageToken") == "CAUQAA"
        return Reply(body=fixture("search_page2.json" if page2 else "search_page1.json"))
    if req.path == "/commentThreads":
        if req.query["videoId"] == "vid00000002":
            return Reply(403, fixture("error_comments_disabled.json"))
        return Reply(
            body=fixture("comment_threads.json") if req.query["videoId"] == "vid00000001" else EMPTY
        )
    return Reply(404, b'{"error": {"code": 404, "message": "nope", "errors": []}}')


def make(base: str, **kw: Any) -> YouTubeConnector:
    return YouTubeConnector(base_url=base, env=kw.pop("env", ENV), clock=lambda: NOW, **kw)


async def sweep(
    conn: YouTubeConnector, target: Target, cursor: Any = None
) -> tuple[list[Page], Any]:
    pages = []
    for _ in range(30):
        page = await conn.fetch(target, cursor)
        pages.append(page)
        cursor = orjson.loads(orjson.dumps(page.cursor))
        if page.done:
            return pages, cursor
    raise AssertionError("the sweep never ended")


def test_search_sweep_then_comments_and_next_poll() -> None:
    with serve(api) as (base, requests):

        async def main() -> tuple[list[Page], list[Page], Any]:
            conn = make(base)
            try:
                first, cursor = await sweep(conn, SEARCH)
                second, cursor2 = await sweep(conn, SEARCH, cursor)
                return first, second, cursor2
            finally:
                await conn.close()

        first, second, cursor = asyncio.run(main())
    ids = [m.native_id for p in first for m in p.mentions]
    assert len(ids) == len(set(ids)) == 5  # 2 videos + 3 comments; repeated video dropped
    reasons = [r.reason for p in first for r in p.rejected]
    assert any("publishedAt" in r for r in reasons)  # broken search item
    assert any("commentsDisabled" in r for r in reasons)  # video skipped, sweep goes on
    assert [m.native_id for p in second for m in p.mentions] == []  # nothing twice
    searches = [r for r in requests if r.path == "/search"]
    assert searches[0].query["publishedAfter"] == "2026-01-29T12:00:00Z"
    assert searches[-1].query["publishedAfter"] == "2026-01-30T08:00:00Z"  # from the cursor
    assert all(r.headers["x-goog-api-key"] == "key-abc" and "key" not in r.query for r in requests)
    assert cursor["phase"] == "search"


def test_video_target_repeating_token_stops() -> None:
    body = orjson.loads(fixture("comment_threads.json"))
    body["nextPageToken"] = "LOOP"
    payload = orjson.dumps(body)
    with serve(lambda r: Reply(body=payload)) as (base, requests):

        async def main() -> list[Page]:
            conn = make(base)
            try:
                return (await sweep(conn, Target("video", "vid00000001")))[0]
            finally:
                await conn.close()

        pages = asyncio.run(main())
    assert sum(len(p.mentions) for p in pages) == 3
    assert len(requests) == 2 and pages[-1].done


def one(handler: Callable[[Request], Reply], **kw: Any) -> Page:
    with serve(handler) as (base, _):

        async def main() -> Page:
            conn = make(base, **kw)
            try:
                return await conn.fetch(SEARCH, None)
            finally:
                await conn.close()

        return asyncio.run(main())


def test_quota_exceeded_waits_until_pacific_midnight() -> None:
    with pytest.raises(RateLimited) as err:
        one(lambda r: Reply(403, fixture("error_quota.json")))
    # 12:00 UTC = 04:00 PST: 20 hours to the reset
    assert err.value.retry_after == 20 * 3600
    assert seconds_to_pacific_midnight(datetime(2026, 7, 1, 6, 30, tzinfo=UTC)) == 30 * 60  # PDT


def test_429_retry_after() -> None:
    body = b'{"error": {"code": 429, "message": "x", "errors": [{"reason": "rateLimitExceeded"}]}}'
    with pytest.raises(RateLimited) as err:
        one(lambda r: Reply(429, body, {"Retry-After": "30"}))
    assert err.value.retry_after == 30


def test_errors_map_to_typed_errors() -> None:
    with pytest.raises(Unavailable):
        one(lambda r: Reply(500, b"oops", {"Content-Type": "text/plain"}))
    with pytest.raises(Unavailable, match="timeout"):
        one(lambda r: Reply(body=EMPTY, delay=0.6), timeout=0.2)
    with pytest.raises(MalformedPayload):
        one(lambda r: Reply(body=b"<html>not json</html>"))
    with pytest.raises(AuthError, match="SOCIALHUB_YOUTUBE_API_KEY"):
        one(lambda r: Reply(400, fixture("error_key_invalid.json")))
    with pytest.raises(AuthError, match="SOCIALHUB_YOUTUBE_API_KEY"):
        one(lambda r: Reply(body=EMPTY), env={})
