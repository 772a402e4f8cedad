"""Filtered stream: rule sync, keep-alives, cuts, silence, then the search backfill."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from socialhub.connectors.base import BadRequest, Page, Target, Unavailable
from socialhub.connectors.x import XConnector

from ..scripted_server import Reply, Server, fixture, serve

FIX = Path(__file__).parents[3] / "src/socialhub/connectors/x/fixtures"
ENV = {"SOCIALHUB_X_BEARER_TOKEN": "app-token"}
RULES = "POST /2/tweets/search/stream/rules"
STREAM = "GET /2/tweets/search/stream"
TARGET = Target(
    "stream",
    "",
    options={
        "rules": [
            {"value": "mirabelle lang:fr", "tag": "marque"},
            {"value": '"Mirabelle" panne', "tag": "crise"},
        ]
    },
)


@pytest.fixture
def server() -> Iterator[Server]:
    with serve() as s:
        s.add(
            "GET /2/tweets/search/stream/rules", Reply(body=fixture(FIX, "stream_rules_get.json"))
        )
        s.add(
            RULES,
            Reply(body=fixture(FIX, "stream_rules_delete.json")),
            Reply(body=fixture(FIX, "stream_rules_add.json")),
        )
        yield s


def collect(
    server: Server, cursor: dict[str, Any] | None = None, **options: Any
) -> tuple[list[Page], BaseException | None]:
    async def main() -> tuple[list[Page], BaseException | None]:
        conn = XConnector(base_url=server.url, env=ENV, **options)
        pages: list[Page] = []
        error: BaseException | None = None
        try:
            async for page in conn.stream(TARGET, cursor):
                pages.append(page)
        except Exception as exc:  # the test inspects what ended the stream
            error = exc
        await conn.close()
        return pages, error

    return asyncio.run(main())


def stream_bytes() -> bytes:
    return (FIX / "stream_lines.txt").read_bytes()


def test_rules_synced_then_tweets_read_past_keep_alives(server: Server) -> None:
    server.add(STREAM, Reply(chunks=[(0, stream_bytes())]))
    pages, error = collect(server, {"since_id": "1765000000000000005"})
    # rules: the stale one deleted, the missing one added with its tag, the kept one untouched
    delete, add = [s.json() for s in server.requests(RULES)]
    assert delete == {"delete": {"ids": ["1780000000000000001"]}}
    assert add == {"add": [{"value": '"Mirabelle" panne', "tag": "crise"}]}
    assert [m.native_id for p in pages for m in p.mentions] == [
        "1765000000000000020",
        "1765000000000000021",
    ]
    assert [p.mentions[0].match_query for p in pages] == ["marque", "marque,crise"]
    assert all(p.mentions[0].collected_via == "x:stream" and not p.done for p in pages)
    assert pages[-1].cursor == {"since_id": "1765000000000000021"}
    # a stream that ends is a disconnection: the coordinator must reconnect
    assert isinstance(error, Unavailable) and "closed" in str(error)
    assert "author_id" in server.requests(STREAM)[0].query["expansions"]


def test_cut_mid_message_keeps_what_was_whole(server: Server) -> None:
    data = stream_bytes()
    second = data.rindex(b'{"data"')
    server.add(STREAM, Reply(chunks=[(0, data[: second + 40])]))
    pages, error = collect(server)
    assert [m.native_id for p in pages for m in p.mentions] == ["1765000000000000020"]
    assert isinstance(error, Unavailable) and "mid-message" in str(error)
    # the backfill after the cut starts from the last whole tweet
    assert pages[-1].cursor == {"since_id": "1765000000000000020"}


def test_silence_beyond_keep_alive_is_unavailable(server: Server) -> None:
    server.add(STREAM, Reply(chunks=[(0, b"\r\n"), (1.5, b"\r\n")]))
    pages, error = collect(server, stream_timeout=0.3)
    assert pages == [] and isinstance(error, Unavailable) and "silent" in str(error)


def test_operational_disconnect_and_bad_lines(server: Server) -> None:
    disconnect = (FIX / "stream_operational_disconnect.json").read_text().replace("\n", "")
    body = (
        b'{"data": {"id": "1765000000000000022", "text": '
        + b"\r\n"
        + b"[1, 2]\r\n"
        + disconnect.encode()
        + b"\r\n"
    )
    server.add(STREAM, Reply(chunks=[(0, body)]))
    pages, error = collect(server)
    assert [r.reason.split(":")[0] for p in pages for r in p.rejected] == [
        "invalid JSON",
        "unsupported record",
    ]
    assert isinstance(error, Unavailable) and "operational reasons" in str(error)


def test_backfill_after_a_cut_searches_from_the_stream_cursor(server: Server) -> None:
    server.add("GET /2/tweets/search/recent", Reply(body=fixture(FIX, "search_recent_page2.json")))
    conn = XConnector(base_url=server.url, env=ENV)
    target = Target("stream", "mirabelle lang:fr", match_query="marque")
    page = asyncio.run(conn.fetch(target, {"since_id": "1765000000000000001"}))
    asyncio.run(conn.close())
    sent = server.requests("GET /2/tweets/search/recent")[0].query
    assert sent["query"] == "mirabelle lang:fr" and sent["since_id"] == "1765000000000000001"
    assert page.mentions and all(m.collected_via == "x:stream-backfill" for m in page.mentions)
    assert page.cursor == {"since_id": "1765000000000000002"}


def test_invalid_rule_is_refused_loudly(server: Server) -> None:
    server.routes[RULES] = [
        Reply(body=fixture(FIX, "stream_rules_delete.json")),
        Reply(body=fixture(FIX, "stream_rules_add_invalid.json")),
    ]
    pages, error = collect(server)
    assert pages == []
    assert isinstance(error, BadRequest) and "mirabelle (" in str(error)
    assert server.requests(STREAM) == []
