"""RedditConnector against a local server answering Reddit's documented payloads."""

from __future__ import annotations

import asyncio
import base64
import json
from collections.abc import Iterator
from datetime import datetime
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
from socialhub.connectors.reddit import RedditConnector
from socialhub.connectors.reddit.normalize import (
    listing_children,
    things_to_mentions,
    walk_comments,
)
from socialhub.serialize import mention_to_json

from ..scripted_server import Reply, Server, fixture, serve

FIX = Path(__file__).parents[3] / "src/socialhub/connectors/reddit/fixtures"
ENV = {"SOCIALHUB_REDDIT_CLIENT_ID": "app-id", "SOCIALHUB_REDDIT_CLIENT_SECRET": "app-secret"}
TOKEN = "POST /api/v1/access_token"
NEW = "GET /r/lyon/new"
COMMENTS = "GET /comments/1b7xk2q"
RATE = {"x-ratelimit-remaining": "99.0", "x-ratelimit-used": "1", "x-ratelimit-reset": "420"}


@pytest.fixture
def server() -> Iterator[Server]:
    with serve() as s:
        s.add(TOKEN, Reply(body=fixture(FIX, "access_token.json")))
        yield s


def connector(server: Server, **options: Any) -> RedditConnector:
    return RedditConnector(
        base_url=server.url,
        auth_url=server.url,
        env=options.pop("env", ENV),
        user_agent="test:socialhub:0.1 (by /u/socialhub_tests)",
        **options,
    )


def fetch_all(
    conn: RedditConnector, target: Target, cursor: Any = None, limit: int = 10
) -> list[Page]:
    async def main() -> list[Page]:
        pages = []
        state = cursor
        for _ in range(limit):
            page = await conn.fetch(target, state)
            pages.append(page)
            state = page.cursor
            if page.done:
                break
        await conn.close()
        return pages

    return asyncio.run(main())


def fetch_one(conn: RedditConnector, target: Target, cursor: Any = None) -> Page:
    return fetch_all(conn, target, cursor, limit=1)[0]


@pytest.mark.parametrize(
    ("name", "via"),
    [
        ("subreddit_new_page1", "reddit:timeline"),
        ("subreddit_new_page2", "reddit:timeline"),
        ("comments_1b7xk2q", "reddit:comments"),
    ],
)
def test_golden_raw_to_normalised(name: str, via: str) -> None:
    expected = json.loads((FIX / f"{name}.expected.json").read_text(encoding="utf-8"))
    data = fixture(FIX, f"{name}.json")
    things = (
        list(walk_comments(listing_children(data[1])))
        if via.endswith("comments")
        else listing_children(data)
    )
    at = datetime.fromisoformat(expected["collected_at"])
    mentions, rejected = things_to_mentions(things, via=via, collected_at=at, match_query="marque")
    assert [orjson.loads(mention_to_json(m, include_raw=False)) for m in mentions] == expected[
        "mentions"
    ]
    assert [{"reason": r.reason, "location": r.location} for r in rejected] == expected["rejected"]
    assert all("replies" not in m.raw["data"] for m in mentions)  # each reply is its own record


def test_subreddit_pages_to_the_end_with_comments_then_polls_from_the_mark(server: Server) -> None:
    server.add(
        NEW,
        Reply(body=fixture(FIX, "subreddit_new_page1.json"), headers=RATE),
        Reply(body=fixture(FIX, "subreddit_new_page2.json"), headers=RATE),
        Reply(body=fixture(FIX, "subreddit_new_page1.json"), headers=RATE),
    )
    server.add(COMMENTS, Reply(body=fixture(FIX, "comments_1b7xk2q.json"), headers=RATE))
    target = Target("timeline", "r/lyon", match_query="marque")
    pages = fetch_all(connector(server), target)
    # listing page 1, the comments of its one commented post, listing page 2 (the end)
    assert [p.done for p in pages] == [False, False, True]
    ids = [m.native_id for p in pages for m in p.mentions]
    assert ids == [
        "t3_1b7xk2q",
        "t3_1b7wz9d",
        "t3_1b7wa01",
        "t1_kt9z3aa",
        "t1_kt9z4bb",
        "t3_1b7wa01",
        "t3_1b7v111",
    ]  # t3_1b7wa01 repeats across pages: listed, dedup is downstream
    comment = pages[1].mentions[1]
    assert (comment.kind, comment.reply_to, comment.root_id) == (
        "comment",
        "reddit:t1_kt9z3aa",
        "reddit:t3_1b7xk2q",
    )
    assert [r.reason for r in pages[1].rejected] == ["deleted: comment t1_kt9z5cc was [deleted]"]
    assert pages[2].rejected[0].reason.startswith("unparseable created_utc")
    assert pages[0].rate["remaining"] == 99.0 and pages[0].rate["used"] == 1.0
    listing_calls = server.requests(NEW)
    assert "after" not in listing_calls[0].query and listing_calls[1].query["after"] == "t3_1b7wa01"
    assert listing_calls[0].query["raw_json"] == "1" and listing_calls[0].query["sort"] == "new"
    sent = listing_calls[0].headers
    assert sent["Authorization"].startswith("bearer eyJ") and sent["User-Agent"].startswith(
        "test:socialhub"
    )
    assert pages[-1].cursor == {"mark": {"t": 1709625600.0, "name": "t3_1b7xk2q"}}
    # the token was asked once, with the client credentials grant and basic auth
    (token_call,) = server.requests(TOKEN)
    assert token_call.body == b"grant_type=client_credentials"
    assert (
        token_call.headers["Authorization"]
        == "Basic " + base64.b64encode(b"app-id:app-secret").decode()
    )

    # Next poll: the newest page again holds nothing newer than the mark -> no mention.
    page = fetch_one(connector(server), target, pages[-1].cursor)
    assert page.mentions == [] and page.done
    assert page.cursor == pages[-1].cursor  # the cursor never goes back


def test_repeating_after_signals_done(server: Server) -> None:
    looping = fixture(FIX, "search.json")
    looping["data"]["after"] = "t3_same"
    server.add("GET /search", Reply(body=looping))
    pages = fetch_all(connector(server), Target("search", "mirabelle", options={"comments": False}))
    assert [p.done for p in pages] == [False, True]
    assert len(server.requests("GET /search")) == 2
    assert server.requests("GET /search")[0].query["q"] == "mirabelle"


def test_subreddit_comments_target(server: Server) -> None:
    server.add("GET /r/lyon/comments", Reply(body=fixture(FIX, "subreddit_comments.json")))
    page = fetch_one(connector(server), Target("comment", "r/lyon", match_query="marque"))
    (m,) = page.mentions
    assert (m.id, m.kind, m.reply_to, m.root_id) == (
        "reddit:t1_kt9z6dd",
        "comment",
        "reddit:t3_1b7wz9d",
        "reddit:t3_1b7wz9d",
    )
    assert page.done and page.cursor == {"mark": {"t": 1709630000.0, "name": "t1_kt9z6dd"}}


def test_token_renewed_once_on_401(server: Server) -> None:
    server.add(
        NEW,
        Reply(401, fixture(FIX, "error_401.json")),
        Reply(body=fixture(FIX, "listing_empty.json")),
    )
    page = fetch_one(connector(server), Target("timeline", "r/lyon"))
    assert page.done and len(server.requests(TOKEN)) == 2

    server.routes[NEW] = [Reply(401, fixture(FIX, "error_401.json"))]
    with pytest.raises(AuthError, match="SOCIALHUB_REDDIT_CLIENT_ID"):
        fetch_one(connector(server), Target("timeline", "r/lyon"))


def test_credentials_missing_or_refused_name_the_variable(server: Server) -> None:
    with pytest.raises(AuthError, match="SOCIALHUB_REDDIT_CLIENT_SECRET"):
        fetch_one(
            connector(server, env={"SOCIALHUB_REDDIT_CLIENT_ID": "x"}), Target("timeline", "r/lyon")
        )
    server.routes[TOKEN] = [Reply(401, fixture(FIX, "error_401.json"))]
    with pytest.raises(AuthError, match="SOCIALHUB_REDDIT_CLIENT_ID") as caught:
        fetch_one(connector(server), Target("timeline", "r/lyon"))
    assert "app-secret" not in str(caught.value)


def test_429_retry_after_and_budget_exhausted(server: Server) -> None:
    server.add(NEW, Reply(429, fixture(FIX, "error_429.json"), headers={"Retry-After": "7"}))
    with pytest.raises(RateLimited) as caught:
        fetch_one(connector(server), Target("timeline", "r/lyon"))
    assert caught.value.retry_after == 7.0

    # remaining hits 0: the page is kept, the next request is not even sent
    server.routes[NEW] = [
        Reply(
            body=fixture(FIX, "subreddit_new_page1.json"),
            headers={
                "x-ratelimit-remaining": "0",
                "x-ratelimit-used": "100",
                "x-ratelimit-reset": "42",
            },
        )
    ]
    conn = connector(server)

    async def two() -> tuple[Page, BaseException | None]:
        first = await conn.fetch(Target("timeline", "r/lyon"), None)
        try:
            await conn.fetch(Target("timeline", "r/lyon"), first.cursor)
            error = None
        except RateLimited as exc:
            error = exc
        await conn.close()
        return first, error

    before = len(server.requests(NEW))
    first, error = asyncio.run(two())
    assert len(first.mentions) == 3 and first.rate["remaining"] == 0
    assert (
        isinstance(error, RateLimited)
        and error.retry_after is not None
        and 40 < error.retry_after <= 42
    )
    assert len(server.requests(NEW)) == before + 1


def test_5xx_timeout_and_malformed(server: Server) -> None:
    server.add(NEW, Reply(503, b"<html>upstream overloaded</html>"))
    with pytest.raises(Unavailable, match="503"):
        fetch_one(connector(server), Target("timeline", "r/lyon"))
    server.routes[NEW] = [Reply(body=fixture(FIX, "listing_empty.json"), delay=1.0)]
    with pytest.raises(Unavailable, match="timed out"):
        fetch_one(connector(server, timeout=0.2), Target("timeline", "r/lyon"))
    server.routes[NEW] = [Reply(body=b'{"kind": "Listing", "data": {"children": [')]
    with pytest.raises(MalformedPayload) as caught:
        fetch_one(connector(server), Target("timeline", "r/lyon"))
    assert caught.value.raw.startswith('{"kind": "Listing"')
    server.routes[NEW] = [Reply(body={"kind": "t3", "data": {}})]
    with pytest.raises(MalformedPayload, match="not a Listing"):
        fetch_one(connector(server), Target("timeline", "r/lyon"))
