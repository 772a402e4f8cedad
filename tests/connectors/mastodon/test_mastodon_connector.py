"""MastodonConnector against local instances (REST, Link paging, SSE streaming)."""

from __future__ import annotations

import asyncio
import copy
from datetime import UTC, datetime
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
from socialhub.connectors.mastodon import MastodonConnector

from .masto_server import Reply, Request, fixture, instance

NOW = datetime(2025, 3, 4, 10, 0, tzinfo=UTC)
TAG = "/api/v1/timelines/tag/volteo"
TOKEN = {"SOCIALHUB_MASTODON_TOKEN": "tok"}


def status(n: int, host: str = "mastodon.example") -> dict[str, Any]:
    s = copy.deepcopy(fixture("search_v2.json")["statuses"][0])
    s.pop("quote")
    s["id"] = str(n)
    s["uri"] = f"https://{host}/users/sam/statuses/{n}"
    return s


def link(base: str, newest: int, oldest: int) -> dict[str, str]:
    nxt = f'<{base}{TAG}?max_id={oldest}>; rel="next"'
    return {"Link": f'{nxt}, <{base}{TAG}?min_id={newest}>; rel="prev"'}


def conn(*urls: str, env: dict[str, str] | None = None, **opts: Any) -> MastodonConnector:
    return MastodonConnector({"instances": list(urls), **opts}, env=env or {}, clock=lambda: NOW)


async def drain(c: MastodonConnector, target: Target, cursor: Any = None) -> tuple[list[Page], Any]:
    pages = []
    for _ in range(20):
        page = await c.fetch(target, cursor)
        pages.append(page)
        cursor = page.cursor
        if page.done:
            break
    return pages, cursor


def test_hashtag_timeline_pages_forward_with_min_id() -> None:
    url = ""

    def tag(req: Request) -> Reply:
        min_id = req.query.get("min_id", [None])[0]
        batches = {None: [12, 11], "12": [14, 13], "14": [15, 14], "15": []}  # 14 twice
        ids = batches[min_id]
        headers = link(url, ids[0], ids[-1]) if ids else {}
        return Reply(
            body=[status(i) for i in ids], headers={**headers, "X-RateLimit-Remaining": "299"}
        )

    with instance({TAG: tag}) as server:
        url = server.url
        c = conn(server.url, limit=2)

        async def run() -> None:
            first = await c.fetch(Target("timeline", "#volteo"), None)
            assert [m.native_id.rsplit("/", 1)[1] for m in first.mentions] == ["11", "12"]
            assert first.done  # first poll: the newest page only
            got, cursor = await drain(c, Target("timeline", "#volteo"), first.cursor)
            ids = [m.native_id.rsplit("/", 1)[1] for p in got for m in p.mentions]
            assert ids == ["13", "14", "15"]  # oldest first, 14 once
            assert cursor["instances"][server.url]["since_id"] == "15"
            assert got[0].rate["remaining"] == 299.0
            await c.close()

        asyncio.run(run())
        assert [r.query.get("min_id") for r in server.calls(TAG)] == [None, ["12"], ["14"], ["15"]]


def test_several_instances_round_robin_and_dedup_by_uri() -> None:
    shared = status(50, host="origin.example")

    with (
        instance({TAG: lambda req: Reply(body=[shared, status(1, "a.example")])}) as a,
        instance(
            {TAG: lambda req: Reply(body=[dict(shared, id="9000"), status(2, "b.example")])}
        ) as b,
    ):
        got, _cursor = asyncio.run(drain(conn(a.url, b.url), Target("timeline", "#volteo")))
        assert len(got) == 2 and got[-1].done
        uris = [m.native_id for p in got for m in p.mentions]
        assert len(uris) == 3 and len(set(uris)) == 3  # the federated copy counted once
        assert {m.collected_via for p in got for m in p.mentions} == {
            f"mastodon:{a.url.split('//')[1]}:timeline",
            f"mastodon:{b.url.split('//')[1]}:timeline",
        }


def test_repeated_cursor_signals_done() -> None:
    with instance({TAG: lambda req: Reply(body=[status(7)], headers=link("", 7, 7))}) as server:
        got, _ = asyncio.run(drain(conn(server.url, limit=1), Target("timeline", "#volteo")))
        assert len(got) <= 2 and got[-1].done


@pytest.mark.parametrize(
    ("reply", "error"),
    [
        (Reply(429, {"error": "Too many requests"}, {"Retry-After": "30"}), RateLimited),
        (Reply(502, b"<html>Bad gateway</html>"), Unavailable),
        (Reply(200, b"[{not json"), MalformedPayload),
        (Reply(200, {"error": "weird"}), MalformedPayload),
        (Reply(200, [], delay=1.0), Unavailable),
    ],
)
def test_errors_are_typed(reply: Reply, error: type[Exception]) -> None:
    with instance({TAG: lambda req: reply}) as server, pytest.raises(error) as info:
        asyncio.run(conn(server.url, timeout=0.3).fetch(Target("timeline", "#volteo"), None))
    if isinstance(info.value, RateLimited):
        assert info.value.retry_after == 30.0


def test_429_reset_header_gives_retry_after() -> None:
    headers = {
        "X-RateLimit-Limit": "300",
        "X-RateLimit-Remaining": "0",
        "X-RateLimit-Reset": "2999-01-01T00:00:00.000Z",
    }
    with instance({TAG: lambda req: Reply(429, {"error": "Too many requests"}, headers)}) as server:
        with pytest.raises(RateLimited) as info:
            asyncio.run(conn(server.url).fetch(Target("timeline", "#volteo"), None))
        assert info.value.retry_after is not None and info.value.retry_after > 10**9


def test_search_needs_a_token_and_sends_it() -> None:
    with instance({"/api/v2/search": lambda req: Reply(body=fixture("search_v2.json"))}) as server:
        with pytest.raises(AuthError, match="SOCIALHUB_MASTODON_TOKEN"):
            asyncio.run(conn(server.url).fetch(Target("search", "volteo"), None))
        assert server.requests == []  # refused before any request
        page = asyncio.run(conn(server.url, env=TOKEN).fetch(Target("search", "volteo"), None))
        assert [m.kind for m in page.mentions] == ["quote"]
        req = server.calls("/api/v2/search")[0]
        assert req.headers["authorization"] == "Bearer tok" and req.query["type"] == ["statuses"]


def test_rejected_token_names_the_variable() -> None:
    with (
        instance(
            {"/api/v2/search": lambda req: Reply(401, {"error": "The access token is invalid"})}
        ) as server,
        pytest.raises(AuthError, match="SOCIALHUB_MASTODON_TOKEN"),
    ):
        asyncio.run(conn(server.url, env=TOKEN).fetch(Target("search", "x"), None))


def test_bad_status_goes_to_rejected() -> None:
    with instance({TAG: lambda req: Reply(body=fixture("tag_timeline.json"))}) as server:
        page = asyncio.run(conn(server.url).fetch(Target("timeline", "#volteo"), None))
        assert len(page.mentions) == 3 and len(page.rejected) == 1
        assert "created_at" in page.rejected[0].reason and "broken" in page.rejected[0].raw


def sse(*statuses: dict[str, Any]) -> list[bytes]:
    chunks = [b":thump\n\n"]
    for s in statuses:
        chunks.append(b"event: update\ndata: " + orjson.dumps(s) + b"\n\n")
        chunks.append(b"event: delete\ndata: 123\n\n")
    return chunks


def test_stream_skips_heartbeats_and_raises_on_a_cut_mid_event() -> None:
    half = b"event: update\ndata: " + orjson.dumps(status(99))[:40]
    route = "/api/v1/streaming/hashtag"
    reply = Reply(
        chunks=[*sse(status(1), status(2)), b"event: update\ndata: {bad\n\n", half], cut=True
    )
    with instance({route: lambda req: reply}) as server:
        pages: list[Page] = []

        async def run() -> None:
            with pytest.raises(Unavailable):
                async for page in conn(server.url, env=TOKEN).stream(
                    Target("stream", "#volteo"), None
                ):
                    pages.append(page)

        asyncio.run(run())
        ids = [m.native_id.rsplit("/", 1)[1] for p in pages for m in p.mentions]
        assert ids == ["1", "2"]  # the half-received event is not emitted
        assert [r.raw for p in pages for r in p.rejected] == ["{bad"]
        assert pages[-1].cursor == {"last_id": {server.url.split("//")[1]: "2"}}
        req = server.calls(route)[0]
        assert req.query["tag"] == ["volteo"] and req.headers["authorization"] == "Bearer tok"


def test_stream_clean_end_is_unavailable_and_401_is_auth() -> None:
    route = "/api/v1/streaming/public"
    with instance({route: lambda req: Reply(chunks=sse(status(3)))}) as server:

        async def run() -> list[Page]:
            pages = []
            with pytest.raises(Unavailable):
                async for page in conn(server.url).stream(Target("stream", "public"), None):
                    pages.append(page)
            return pages

        assert len(asyncio.run(run())) == 1
    refused = {route: lambda req: Reply(401, {"error": "Missing access token"})}
    with instance(refused) as server, pytest.raises(AuthError, match="MASTODON_TOKEN"):
        asyncio.run(anext(conn(server.url).stream(Target("stream", "public"), None)))


def test_publish_reply_on_the_same_instance() -> None:
    created = dict(status(500), uri="https://mastodon.example/users/bot/statuses/500")
    with instance({"/api/v1/statuses": lambda req: Reply(body=created)}) as server:
        host = server.url.split("//")[1]
        c = conn(server.url, env=TOKEN)
        uri = asyncio.run(
            c.publish("Nous regardons, merci.", reply_to=f"{host}:113900000000000103")
        )
        assert uri == created["uri"]
        form = server.calls("/api/v1/statuses")[0].form
        assert form == {
            "status": ["Nous regardons, merci."],
            "in_reply_to_id": ["113900000000000103"],
        }
        with pytest.raises(AuthError, match="SOCIALHUB_MASTODON_TOKEN"):
            asyncio.run(conn(server.url).publish("x"))


def test_local_handles_take_the_instance_domain_not_the_api_host() -> None:
    """Issue #22.4: served from 127.0.0.1:PORT, a local account is still user@domain."""
    with instance({TAG: lambda r: Reply(body=fixture("tag_timeline.json"))}) as server:
        c = conn(server.url)

        async def run() -> Page:
            try:
                return await c.fetch(Target("timeline", "#volteo"), None)
            finally:
                await c.close()

        page = asyncio.run(run())
    handles = {m.author.handle for m in page.mentions if m.author}
    assert "marc@mastodon.example" in handles and "zoe@autre.example" in handles
    assert not any("127.0.0.1" in h for h in handles)
