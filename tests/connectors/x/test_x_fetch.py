"""XConnector.fetch against a local server answering X API v2's documented payloads."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Coroutine, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

import orjson
import pytest

from socialhub.connectors.base import (
    AuthError,
    BadRequest,
    MalformedPayload,
    Page,
    RateLimited,
    Target,
    Unavailable,
)
from socialhub.connectors.x import XConnector
from socialhub.connectors.x.normalize import page_mentions
from socialhub.serialize import mention_to_json

from ..scripted_server import Reply, Server, fixture, serve

FIX = Path(__file__).parents[3] / "src/socialhub/connectors/x/fixtures"
ENV = {"SOCIALHUB_X_BEARER_TOKEN": "app-token", "SOCIALHUB_X_USER_TOKEN": "user-token"}
SEARCH = "GET /2/tweets/search/recent"
T = TypeVar("T")


def run(coro: Coroutine[Any, Any, T]) -> T:
    return asyncio.run(coro)


@pytest.fixture
def server() -> Iterator[Server]:
    with serve() as s:
        yield s


def connector(server: Server, **options: Any) -> XConnector:
    return XConnector(base_url=server.url, env=options.pop("env", ENV), **options)


async def fetch_all(
    conn: XConnector, target: Target, cursor: dict[str, Any] | None, limit: int = 10
) -> list[Page]:
    pages = []
    for _ in range(limit):
        page = await conn.fetch(target, cursor)
        pages.append(page)
        cursor = page.cursor
        if page.done:
            break
    await conn.close()
    return pages


@pytest.mark.parametrize(
    ("name", "via", "query"),
    [
        ("search_recent_page1", "x:search", "mirabelle"),
        ("search_recent_page2", "x:search", "mirabelle"),
        ("users_tweets", "x:timeline", "journalistes"),
    ],
)
def test_golden_raw_to_normalised(name: str, via: str, query: str) -> None:
    expected = json.loads((FIX / f"{name}.expected.json").read_text(encoding="utf-8"))
    at = datetime.fromisoformat(expected["collected_at"])
    mentions, rejected = page_mentions(
        fixture(FIX, f"{name}.json"), via=via, collected_at=at, match_query=query
    )
    got = [orjson.loads(mention_to_json(m, include_raw=False)) for m in mentions]
    assert got == expected["mentions"]
    assert [{"reason": r.reason, "location": r.location} for r in rejected] == expected["rejected"]
    # provenance and the raw payload (evidence) travel with every mention
    assert all(m.collected_via == via and m.match_query == query for m in mentions)
    assert all(m.raw["data"]["id"] == m.native_id for m in mentions)


def test_search_paginates_to_the_end_then_polls_from_newest_id(server: Server) -> None:
    server.add(
        SEARCH,
        Reply(
            body=fixture(FIX, "search_recent_page1.json"),
            headers={
                "x-rate-limit-remaining": "449",
                "x-rate-limit-limit": "450",
                "x-rate-limit-reset": "1709626500",
            },
        ),
        Reply(body=fixture(FIX, "search_recent_page2.json")),
        Reply(body=fixture(FIX, "search_recent_empty.json")),
    )
    conn = connector(server)
    target = Target("search", "mirabelle lang:fr", match_query="marque")
    pages = run(fetch_all(conn, target, None))
    assert [p.done for p in pages] == [False, True]
    ids = [m.native_id for p in pages for m in p.mentions]
    # the duplicate across pages is listed (dedup is downstream), the bad tweet rejected
    assert ids.count("1765000000000000002") == 2 and len(ids) == 6
    assert pages[1].rejected[0].reason.startswith("unparseable created_at")
    assert orjson.loads(pages[1].rejected[0].raw)["id"] == "1765000000000000001"
    assert pages[0].rate == {"limit": 450.0, "remaining": 449.0, "reset": 1709626500.0}
    assert pages[1].cursor == {"since_id": "1765000000000000005"}
    first, second = server.requests(SEARCH)
    assert first.query["query"] == "mirabelle lang:fr" and "since_id" not in first.query
    assert "author_id" in first.query["expansions"] and first.query["max_results"] == "100"
    assert second.query["next_token"] == "b26v89c19zqg8o3fpzbkk4m7rbm8lv5"
    assert first.headers["Authorization"] == "Bearer app-token"
    assert all(m.match_query == "marque" for p in pages for m in p.mentions)

    # next poll: from since_id = newest id of the finished sweep; empty answer keeps it
    page = run(connector(server).fetch(target, pages[-1].cursor))
    assert server.seen[-1].query["since_id"] == "1765000000000000005"
    assert page.done and page.mentions == [] and page.cursor == {"since_id": "1765000000000000005"}


def test_cursor_never_goes_back(server: Server) -> None:
    # A sweep that only returns older ids must not lower since_id.
    server.add(SEARCH, Reply(body=fixture(FIX, "search_recent_page2.json")))
    page = run(connector(server).fetch(Target("search", "q"), {"since_id": "1765000000000000009"}))
    assert page.cursor == {"since_id": "1765000000000000009"}


def test_repeating_next_token_signals_done(server: Server) -> None:
    looping = fixture(FIX, "search_recent_page1.json")
    looping["meta"]["next_token"] = "same-token"
    server.add(SEARCH, Reply(body=looping))
    pages = run(fetch_all(connector(server), Target("search", "q"), None, limit=5))
    # first page follows the token once; the second sees it again and stops
    assert [p.done for p in pages] == [False, True]
    assert len(server.requests(SEARCH)) == 2
    assert pages[-1].cursor == {"since_id": "1765000000000000005"}


def test_timeline_resolves_the_handle_once(server: Server) -> None:
    server.add(
        "GET /2/users/by/username/hmarchetti", Reply(body=fixture(FIX, "users_by_username.json"))
    )
    server.add(
        "GET /2/users/1623456789012345344/tweets", Reply(body=fixture(FIX, "users_tweets.json"))
    )
    conn = connector(server)

    async def two_polls() -> tuple[Page, Page]:
        target = Target("timeline", "@hmarchetti", match_query="journalistes")
        first = await conn.fetch(target, None)
        second = await conn.fetch(target, first.cursor)
        await conn.close()
        return first, second

    first, second = run(two_polls())
    assert second.done and second.cursor == first.cursor  # nothing newer: the mark stays
    assert [m.native_id for m in first.mentions] == ["1765000000000000010", "1764990000000000001"]
    assert first.done and first.cursor == {
        "user_id": "1623456789012345344",
        "since_id": "1765000000000000010",
    }
    assert len(server.requests("GET /2/users/by/username/hmarchetti")) == 1
    assert (
        server.requests("GET /2/users/1623456789012345344/tweets")[-1].query["since_id"]
        == "1765000000000000010"
    )
    assert all(m.collected_via == "x:timeline" for m in first.mentions)


def test_unknown_user_is_a_bad_request(server: Server) -> None:
    server.add(
        "GET /2/users/by/username/nobody_here_42",
        Reply(body=fixture(FIX, "users_by_username_not_found.json")),
    )
    with pytest.raises(BadRequest, match="nobody_here_42"):
        run(connector(server).fetch(Target("timeline", "nobody_here_42"), None))


def test_429_carries_retry_after_and_reset(server: Server) -> None:
    server.add(SEARCH, Reply(429, fixture(FIX, "error_429.json"), headers={"Retry-After": "17"}))
    with pytest.raises(RateLimited) as caught:
        run(connector(server).fetch(Target("search", "q"), None))
    assert caught.value.retry_after == 17.0

    reset = int(time.time()) + 120
    server.routes[SEARCH] = [
        Reply(
            429,
            fixture(FIX, "error_429.json"),
            headers={"x-rate-limit-remaining": "0", "x-rate-limit-reset": str(reset)},
        )
    ]
    with pytest.raises(RateLimited) as caught:
        run(connector(server).fetch(Target("search", "q"), None))
    assert caught.value.retry_after is not None and 100 < caught.value.retry_after <= 120


def test_5xx_timeout_and_malformed_json(server: Server) -> None:
    server.add(SEARCH, Reply(503, fixture(FIX, "error_503.json")))
    with pytest.raises(Unavailable, match="503"):
        run(connector(server).fetch(Target("search", "q"), None))
    server.routes[SEARCH] = [Reply(body=fixture(FIX, "search_recent_empty.json"), delay=1.0)]
    with pytest.raises(Unavailable, match="timed out"):
        run(connector(server, timeout=0.2).fetch(Target("search", "q"), None))
    server.routes[SEARCH] = [Reply(body=b'{"data": [{"id": "1", "text": "cut')]
    with pytest.raises(MalformedPayload) as caught:
        run(connector(server).fetch(Target("search", "q"), None))
    assert caught.value.raw == '{"data": [{"id": "1", "text": "cut'
    server.routes[SEARCH] = [Reply(400, fixture(FIX, "error_400.json"))]
    with pytest.raises(BadRequest, match="missing closing parenthesis"):
        run(connector(server).fetch(Target("search", "mirabelle ("), None))


def test_credentials_missing_or_rejected_name_the_variable(server: Server) -> None:
    with pytest.raises(AuthError, match="SOCIALHUB_X_BEARER_TOKEN"):
        run(connector(server, env={}).fetch(Target("search", "q"), None))
    assert server.seen == []  # nothing sent without a token
    server.add(SEARCH, Reply(401, fixture(FIX, "error_401.json")))
    with pytest.raises(AuthError, match="SOCIALHUB_X_BEARER_TOKEN") as caught:
        run(connector(server).fetch(Target("search", "q"), None))
    assert "app-token" not in str(caught.value)  # never echo the secret
    assert not caught.value.retryable


def test_publish_reply_uses_the_user_token(server: Server) -> None:
    server.add("POST /2/tweets", Reply(201, fixture(FIX, "tweets_create.json")))
    conn = connector(server)
    new_id = run(conn.publish("Merci pour votre patience", reply_to="x:1765000000000000005"))
    assert new_id == "1765000000000000030"
    sent = server.requests("POST /2/tweets")[0]
    assert sent.json() == {
        "text": "Merci pour votre patience",
        "reply": {"in_reply_to_tweet_id": "1765000000000000005"},
    }
    assert sent.headers["Authorization"] == "Bearer user-token"
    with pytest.raises(AuthError, match="SOCIALHUB_X_USER_TOKEN_PRESSE"):
        run(connector(server).publish("x", account="presse"))
