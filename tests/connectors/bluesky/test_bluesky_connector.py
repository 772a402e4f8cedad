"""BlueskyConnector against local XRPC and Jetstream servers."""

from __future__ import annotations

import asyncio
import copy
from datetime import UTC, datetime
from typing import Any

import pytest

from socialhub.connectors.base import (
    AuthError,
    MalformedPayload,
    Page,
    RateLimited,
    Target,
    Unavailable,
)
from socialhub.connectors.bluesky import BlueskyConnector

from ..fetch_allow import allow_fetch
from .bsky_server import FIXTURES, Reply, Request, fixture, http_server, jetstream_server

NOW = datetime(2025, 3, 4, 10, 0, tzinfo=UTC)
SEARCH = "/xrpc/app.bsky.feed.searchPosts"
CREDS = {"SOCIALHUB_BLUESKY_HANDLE": "bot.example.social", "SOCIALHUB_BLUESKY_APP_PASSWORD": "x"}


def post(n: int, minute: int) -> dict[str, Any]:
    view = copy.deepcopy(fixture("search_posts.json")["posts"][2])
    view["uri"] = f"at://did:plc:p{n}/app.bsky.feed.post/rk{n}"
    view["record"]["createdAt"] = f"2025-03-04T09:{minute:02d}:00.000Z"
    return view


def connector(url: str, env: dict[str, str] | None = None, **opts: Any) -> BlueskyConnector:
    return BlueskyConnector({"base_url": url, **opts}, env=env or {}, clock=lambda: NOW)


async def drain(
    conn: BlueskyConnector, target: Target, cursor: Any = None
) -> tuple[list[Page], Any]:
    pages = []
    for _ in range(20):
        page = await conn.fetch(target, cursor)
        pages.append(page)
        cursor = page.cursor
        if page.done:
            break
    return pages, cursor


def test_search_pages_to_the_end_then_polls_since_newest() -> None:
    pages = {
        None: {"posts": [post(5, 50), post(4, 40)], "cursor": "c1"},
        "c1": {"posts": [post(4, 40), post(3, 30)], "cursor": "c2"},  # 4 again: a duplicate
        "c2": {"posts": [post(2, 20)]},
    }

    def search(req: Request) -> Reply:
        if "2025-03-04T09:50:00Z" in req.query.get("since", [""]):
            return Reply(body={"posts": [post(5, 50), post(6, 55)]})  # since is inclusive
        return Reply(body=pages[req.query.get("cursor", [None])[0]])

    async def run(url: str) -> None:
        conn = connector(url)
        target = Target("search", "voltéo", match_query="q-volteo")
        got, cursor = await drain(conn, target)
        ids = [m.native_id.rsplit("/", 1)[1] for p in got for m in p.mentions]
        assert ids == ["rk5", "rk4", "rk3", "rk2"]  # all of them, once
        assert [p.done for p in got] == [False, False, True]
        assert cursor["since"] == "2025-03-04T09:50:00Z" and cursor["next"] is None
        assert all(m.match_query == "q-volteo" for p in got for m in p.mentions)
        again = await conn.fetch(target, cursor)
        assert [m.native_id.rsplit("/", 1)[1] for m in again.mentions] == ["rk6"]
        await conn.close()

    with http_server({SEARCH: search}) as server:
        asyncio.run(run(server.url))
        first = server.calls(SEARCH)[0].query
        assert first["q"] == ["voltéo"] and first["sort"] == ["latest"]
        assert first["since"] == ["2025-03-03T10:00:00Z"]  # 24 h lookback on the first poll
        assert [r.query.get("cursor") for r in server.calls(SEARCH)[:3]] == [None, ["c1"], ["c2"]]
        assert "authorization" not in server.calls(SEARCH)[0].headers


def test_repeated_cursor_ends_the_round() -> None:
    def search(req: Request) -> Reply:
        return Reply(body={"posts": [post(1, 10)], "cursor": "same"})

    with http_server({SEARCH: search}) as server:
        got, _ = asyncio.run(drain(connector(server.url), Target("search", "x")))
        assert len(got) == 2 and got[-1].done
        assert sum(len(p.mentions) for p in got) == 1


@pytest.mark.parametrize(
    ("reply", "error"),
    [
        (Reply(429, {"error": "RateLimitExceeded"}, {"Retry-After": "7"}), RateLimited),
        (Reply(503, {"error": "Unavailable"}), Unavailable),
        (Reply(200, b'{"posts": [ {"uri": '), MalformedPayload),
        (Reply(200, {"cursor": "x"}), MalformedPayload),
        (Reply(200, {"posts": []}, delay=1.0), Unavailable),  # timeout
    ],
)
def test_errors_are_typed(reply: Reply, error: type[Exception]) -> None:
    with http_server({SEARCH: lambda req: reply}) as server:
        conn = connector(server.url, timeout=0.3)
        with pytest.raises(error) as info:
            asyncio.run(conn.fetch(Target("search", "x"), None))
    if isinstance(info.value, RateLimited):
        assert info.value.retry_after == 7.0
    if isinstance(info.value, MalformedPayload) and reply.body.__class__ is bytes:
        assert info.value.raw.startswith('{"posts"')


def test_rate_limit_reset_header_and_rate_on_page() -> None:
    reset = datetime(2025, 1, 1, tzinfo=UTC).timestamp() + 10**9  # far future
    headers = {
        "ratelimit-limit": "3000",
        "ratelimit-remaining": "0",
        "ratelimit-reset": f"{reset:.0f}",
    }
    with http_server({SEARCH: lambda req: Reply(429, {}, headers)}) as server:
        with pytest.raises(RateLimited) as info:
            asyncio.run(connector(server.url).fetch(Target("search", "x"), None))
        assert info.value.retry_after is not None and info.value.retry_after > 10**8
    ok = {"ratelimit-limit": "3000", "ratelimit-remaining": "2999", "ratelimit-reset": "1741082400"}
    with http_server({SEARCH: lambda req: Reply(200, {"posts": []}, ok)}) as server:
        page = asyncio.run(connector(server.url).fetch(Target("search", "x"), None))
        assert page.rate == {"limit": 3000.0, "remaining": 2999.0, "reset": 1741082400.0}


def test_search_refused_without_session_names_the_variables() -> None:
    forbidden = {SEARCH: lambda req: Reply(403, {"error": "Forbidden"})}
    with http_server(forbidden) as server, pytest.raises(AuthError, match="BLUESKY_HANDLE"):
        asyncio.run(connector(server.url).fetch(Target("search", "x"), None))


def test_publish_without_credentials_names_the_variable() -> None:
    with http_server({}) as server, pytest.raises(AuthError, match="SOCIALHUB_BLUESKY_HANDLE"):
        asyncio.run(connector(server.url).publish("bonjour"))


def session_route(req: Request) -> Reply:
    if req.body != {"identifier": "bot.example.social", "password": "x"}:
        return Reply(401, {"error": "AuthenticationRequired"})
    return Reply(
        body={
            "did": "did:plc:bot",
            "handle": "bot.example.social",
            "accessJwt": "jwt1",
            "refreshJwt": "r",
        }
    )


def test_authenticated_search_and_reply() -> None:
    parent = fixture("search_posts.json")["posts"][0]  # itself a reply: root comes from it
    routes = {
        "/xrpc/com.atproto.server.createSession": session_route,
        SEARCH: lambda req: (
            Reply(body={"posts": [parent]})
            if req.headers.get("authorization") == "Bearer jwt1"
            else Reply(401, {"error": "AuthenticationRequired"})
        ),
        "/xrpc/app.bsky.feed.getPosts": lambda req: Reply(body={"posts": [parent]}),
        "/xrpc/com.atproto.repo.createRecord": lambda req: Reply(
            body={"uri": "at://did:plc:bot/app.bsky.feed.post/new1", "cid": "bafynew"}
        ),
    }

    async def run(url: str) -> tuple[Page, str]:
        conn = connector(url, env=CREDS, pds_url=url)
        page = await conn.fetch(Target("search", "x"), None)
        uri = await conn.publish("Merci, nous regardons.", reply_to=parent["uri"])
        await conn.close()
        return page, uri

    with http_server(routes) as server:
        page, uri = asyncio.run(run(server.url))
        assert len(page.mentions) == 1 and uri.endswith("/new1")
        body = server.calls("/xrpc/com.atproto.repo.createRecord")[0].body
        assert body["repo"] == "did:plc:bot" and body["collection"] == "app.bsky.feed.post"
        record = body["record"]
        assert record["text"] == "Merci, nous regardons."
        assert record["reply"]["parent"] == {"uri": parent["uri"], "cid": parent["cid"]}
        assert record["reply"]["root"] == parent["record"]["reply"]["root"]
        assert len(server.calls("/xrpc/com.atproto.server.createSession")) == 1


def test_author_feed_for_a_watchlist_account() -> None:
    feed = fixture("author_feed.json")
    old = copy.deepcopy(feed["feed"][1])
    old["post"]["uri"] = "at://did:plc:watch5fictif00000000000/app.bsky.feed.post/old"
    old["post"]["record"]["createdAt"] = "2025-03-01T00:00:00.000Z"
    pages = {None: {"feed": feed["feed"], "cursor": "f1"}, "f1": {"feed": [old], "cursor": "f2"}}
    route = "/xrpc/app.bsky.feed.getAuthorFeed"
    with http_server(
        {route: lambda req: Reply(body=pages[req.query.get("cursor", [None])[0]])}
    ) as server:
        conn = connector(server.url)
        got, _ = asyncio.run(drain(conn, Target("timeline", "@ines-journaliste.example.com")))
        assert [p.done for p in got] == [False, True]  # stops at the first post older than `since`
        kinds = [m.kind for p in got for m in p.mentions]
        assert kinds == ["repost", "post"]
        assert server.calls(route)[0].query["actor"] == ["ines-journaliste.example.com"]


def jet_lines() -> list[str]:
    return (FIXTURES / "jetstream_events.jsonl").read_text().splitlines()


def test_jetstream_filtered_by_queries_then_cut_then_resumed() -> None:
    queries = {"volteo": "voltéo OR volteo", "nordcom": "nordcom"}

    async def run() -> None:
        messages = [*jet_lines(), "not json at all"]
        async with jetstream_server(messages) as js:
            conn = BlueskyConnector(
                {"jetstream_url": js.url, "queries": queries}, env={}, clock=lambda: NOW
            )
            pages: list[Page] = []
            with pytest.raises(Unavailable):
                async for page in conn.stream(Target("stream", ""), None):
                    pages.append(page)
            mentions = [m for p in pages for m in p.mentions]
            assert [m.native_id.rsplit("/", 1)[1] for m in mentions] == [
                "3lbjet000001",
                "3lbjet000005",
                "3lbjet000006",
            ]
            assert [m.match_query for m in mentions] == ["volteo", "volteo", "nordcom"]
            assert all(m.collected_via == "bluesky:jetstream" for m in mentions)
            assert [r.raw for p in pages for r in p.rejected] == ["not json at all"]
            cursor = pages[-1].cursor
            assert cursor == {"time_us": 1741075200000006}
            # resume: the server replays from the cursor, nothing comes twice
            again: list[Page] = []
            with pytest.raises(Unavailable):
                async for page in conn.stream(Target("stream", ""), cursor):
                    again.append(page)
            assert [m for p in again for m in p.mentions] == []
            assert "cursor=1741075200000006" in js.paths[1]
            assert "wantedCollections=app.bsky.feed.post" in js.paths[0]

    asyncio.run(run())


def test_jetstream_clean_close_and_refused_connection_are_unavailable() -> None:
    async def run() -> None:
        async with jetstream_server(jet_lines()[:1], cut_mid_message=False) as js:
            conn = BlueskyConnector({"jetstream_url": js.url, "queries": ["volteo"]}, env={})
            with pytest.raises(Unavailable):
                async for _ in conn.stream(Target("stream", ""), None):
                    pass
        conn = BlueskyConnector({"jetstream_url": js.url, "queries": ["volteo"]}, env={})
        with allow_fetch(js.url), pytest.raises(Unavailable):  # server gone (port allowed)
            async for _ in conn.stream(Target("stream", ""), None):
                pass

    asyncio.run(run())
