"""FacebookConnector against a local server answering with documented Graph payloads."""

from __future__ import annotations

import asyncio
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
from socialhub.connectors.facebook import FacebookConnector

from ..canned_server import Reply, Request, serve

FIXTURES = Path(__file__).parents[3] / "src/socialhub/connectors/facebook/fixtures"
PAGE = "104857600012345"
POST = f"{PAGE}_731000000000002"
ENV = {"SOCIALHUB_FACEBOOK_TOKEN": "page-token-xyz"}
TARGET = Target("page", PAGE, match_query="fictitel")


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


EMPTY = b'{"data": [], "paging": {"cursors": {}}}'


def graph(req: Request) -> Reply:
    """The documented happy path: 2 pages of posts, 2 pages of comments on one post."""
    usage = {"X-Page-Usage": '{"call_count": 12, "total_cputime": 3, "total_time": 5}'}
    if req.path == f"/{PAGE}/posts":
        name = (
            "posts_page2.json" if req.query.get("after") == "QVFIUmFmdGVyMQ" else "posts_page1.json"
        )
        return Reply(body=fixture(name), headers=usage)
    if req.path == f"/{POST}/comments":
        after = req.query.get("after")
        name = "comments_page2.json" if after == "Y29tbWVudHNhZnRlcjE" else "comments_page1.json"
        return Reply(body=fixture(name), headers=usage)
    if req.path.endswith("/comments"):
        return Reply(body=EMPTY)
    return Reply(404, '{"error": {"message": "Unknown path", "code": 803}}')


def connector(base: str, **kw: Any) -> FacebookConnector:
    return FacebookConnector(
        base_url=base,
        env=kw.pop("env", ENV),
        clock=lambda: datetime(2026, 1, 30, 12, 0, tzinfo=UTC),
        **kw,
    )


async def sweep(
    conn: FacebookConnector, cursor: Any = None, limit: int = 30
) -> tuple[list[Page], Any]:
    pages = []
    for _ in range(limit):
        page = await conn.fetch(TARGET, cursor)
        pages.append(page)
        cursor = orjson.loads(orjson.dumps(page.cursor))  # persisted as JSON, like the hub
        if page.done:
            return pages, cursor
    raise AssertionError("the sweep never ended")


def run(factory: Callable[[], Any]) -> Any:
    return asyncio.run(factory())


def test_sweep_reads_all_pages_without_duplicates() -> None:
    with serve(graph) as (base, requests):

        async def main() -> tuple[list[Page], Any]:
            conn = connector(base)
            try:
                return await sweep(conn)
            finally:
                await conn.close()

        pages, cursor = run(main)
    ids = [m.native_id for p in pages for m in p.mentions]
    assert len(ids) == len(set(ids)) == 6  # 3 posts + 3 comments; the repeated post dropped
    assert [p.done for p in pages] == [False] * (len(pages) - 1) + [True]
    rejected = [r for p in pages for r in p.rejected]
    assert len(rejected) == 1 and "created_time" in rejected[0].reason
    assert pages[0].rate["used_pct"] == 12 and pages[0].rate["remaining"] == 88
    kinds = {m.native_id: m.kind for p in pages for m in p.mentions}
    assert kinds[POST] == "post" and kinds["731000000000002_900000000000001"] == "comment"
    # the token travels in the Authorization header, never in a URL
    assert all(r.headers["authorization"] == "Bearer page-token-xyz" for r in requests)
    assert all("access_token" not in r.query for r in requests)
    assert requests[0].query["since"]  # first sweep bounded by backfill_days
    assert cursor["phase"] == "posts" and cursor["since"] == int(
        datetime(2026, 1, 30, 9, 15, 2, tzinfo=UTC).timestamp()
    )


def test_next_poll_resumes_from_cursor_and_emits_nothing_twice() -> None:
    with serve(graph) as (base, requests):

        async def main() -> tuple[list[Page], list[Page], int]:
            conn, restarted = connector(base), connector(base)
            try:
                first, cursor = await sweep(conn)
                count = len(requests)
                second, _ = await sweep(restarted, cursor)  # a restart: new instance
                return first, second, count
            finally:
                await conn.close()
                await restarted.close()

        first, second, first_count = run(main)
    assert sum(len(p.mentions) for p in first) == 6
    assert [m.native_id for p in second for m in p.mentions] == []
    later = [r for r in requests if r.path.endswith("/posts")][-1]
    assert later.query["since"] == str(int(datetime(2026, 1, 30, 9, 15, 2, tzinfo=UTC).timestamp()))
    # comments of the busy post stop at the newest one already seen: one request, not two
    second_comment_calls = [r for r in requests[first_count:] if r.path == f"/{POST}/comments"]
    assert len(second_comment_calls) == 1


def test_repeating_cursor_ends_the_listing() -> None:
    body = orjson.dumps(
        {
            "data": [
                {"id": f"{PAGE}_1", "message": "x", "created_time": "2026-01-30T08:00:00+0000"}
            ],
            "paging": {
                "cursors": {"after": "SAME"},
                "next": "https://graph.facebook.com/x?after=SAME",
            },
        }
    )

    def handler(req: Request) -> Reply:
        return Reply(body=body if req.path.endswith("/posts") else EMPTY)

    with serve(handler) as (base, requests):

        async def main() -> list[Page]:
            conn = connector(base)
            try:
                return (await sweep(conn, limit=10))[0]
            finally:
                await conn.close()

        pages = run(main)
    assert sum(len(p.mentions) for p in pages) == 1
    assert len([r for r in requests if r.path.endswith("/posts")]) == 2  # then it stops


def one_fetch(handler: Callable[[Request], Reply], **kw: Any) -> Page:
    with serve(handler) as (base, _):

        async def main() -> Page:
            conn = connector(base, **kw)
            try:
                return await conn.fetch(TARGET, None)
            finally:
                await conn.close()

        return run(main)


def test_429_with_retry_after() -> None:
    with pytest.raises(RateLimited) as err:
        one_fetch(
            lambda r: Reply(
                429, b'{"error": {"message": "slow down", "code": 4}}', {"Retry-After": "7"}
            )
        )
    assert err.value.retry_after == 7


def test_throttling_code_uses_business_use_case_wait() -> None:
    buc = orjson.dumps(
        {
            PAGE: [
                {
                    "type": "pages",
                    "call_count": 100,
                    "total_cputime": 20,
                    "total_time": 30,
                    "estimated_time_to_regain_access": 3,
                }
            ]
        }
    ).decode()
    reply = Reply(400, fixture("error_throttled.json"), {"X-Business-Use-Case-Usage": buc})
    with pytest.raises(RateLimited) as err:
        one_fetch(lambda r: reply)
    assert err.value.retry_after is not None and 170 < err.value.retry_after <= 180
    assert "fbtrace_id AbCdEfGhIjK123" in str(err.value)


def test_server_error_is_unavailable() -> None:
    with pytest.raises(Unavailable):
        one_fetch(
            lambda r: Reply(503, b"<html>Service Unavailable</html>", {"Content-Type": "text/html"})
        )


def test_timeout_is_unavailable() -> None:
    with pytest.raises(Unavailable, match="timeout"):
        one_fetch(lambda r: Reply(body=EMPTY, delay=0.6), timeout=0.2)


def test_malformed_json_keeps_the_body() -> None:
    with pytest.raises(MalformedPayload) as err:
        one_fetch(lambda r: Reply(body=b'{"data": [{"id": "1", '))
    assert err.value.raw == '{"data": [{"id": "1", '


def test_rejected_token_names_the_variable() -> None:
    with pytest.raises(AuthError, match="SOCIALHUB_FACEBOOK_TOKEN"):
        one_fetch(lambda r: Reply(400, fixture("error_token.json")))


def test_missing_token_names_the_variable_without_any_request() -> None:
    with pytest.raises(AuthError, match="SOCIALHUB_FACEBOOK_TOKEN"):
        one_fetch(lambda r: Reply(body=EMPTY), env={})
