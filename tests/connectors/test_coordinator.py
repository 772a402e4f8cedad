"""The coordinator against a small fake platform served by a local HTTP server.

The fake API pages ``/api/<feed>/<token>`` as JSON (``{"data": [...], "next": token}``)
and streams ``/stream`` as NDJSON; errors come from the server as real HTTP answers.
Every test counts the emitted ids: nothing lost, nothing emitted twice.
"""

from __future__ import annotations

import asyncio
import functools
import json
import logging
import threading
from collections.abc import AsyncIterator, Callable, Coroutine, Mapping
from typing import Any

import httpx
import pytest

from socialhub.connectors.base import (
    AuthError,
    BadRequest,
    MalformedPayload,
    Page,
    RateLimited,
    Rejected,
    Target,
    Unavailable,
    env_credential,
    parse_time,
)
from socialhub.connectors.coordinator import Coordinator, target_key
from socialhub.connectors.sources import build_coordinators
from socialhub.models import Mention
from socialhub.settings import Settings, SourceSettings
from socialhub.store.base import Store

from .rss.server import Reply, Server, serve


def sync(fn: Callable[..., Coroutine[Any, Any, None]]) -> Callable[..., None]:
    """Run an async test body in a fresh event loop (no pytest plugin needed)."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> None:
        asyncio.run(fn(*args, **kwargs))

    return wrapper


def item(n: str, minute: int = 0, text: str | None = None) -> dict[str, Any]:
    return {"id": n, "text": text if text is not None else f"post {n}",
            "created_at": f"2026-03-01T10:{minute:02d}:00Z"}  # fmt: skip


def page(items: list[dict[str, Any]], nxt: str | None = None) -> Reply:
    return Reply(200, json.dumps({"data": items, "next": nxt}).encode())


class FakeApi:
    """A connector for the fake platform: maps HTTP answers to the typed errors."""

    name = "fake"

    def __init__(
        self,
        base: str,
        *,
        timeout: float = 2.0,
        env: Mapping[str, str] | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
    ):
        if env is not None:
            env_credential(env, "FAKE_TOKEN", "fake")
        self.base = base
        self.http = httpx.AsyncClient(timeout=timeout, transport=transport)

    async def close(self) -> None:
        await self.http.aclose()

    async def _get(self, path: str, params: dict[str, str] | None = None) -> httpx.Response:
        try:
            resp = await self.http.get(self.base + path, params=params)
        except httpx.HTTPError as exc:
            raise Unavailable(f"{type(exc).__name__}") from exc
        if resp.status_code == 429:
            raise RateLimited("429", float(resp.headers.get("retry-after", "0")))
        if resp.status_code >= 500:
            raise Unavailable(f"HTTP {resp.status_code}")
        if resp.status_code == 401:
            raise AuthError("fake: FAKE_TOKEN rejected")
        if resp.status_code >= 400:
            raise BadRequest(f"HTTP {resp.status_code}")
        return resp

    @staticmethod
    def _page(resp: httpx.Response) -> tuple[list[Mention], list[Rejected], Any]:
        try:
            data = json.loads(resp.content)
        except ValueError as exc:
            raise MalformedPayload(f"invalid JSON: {exc}", raw=resp.text) from exc
        mentions, rejected = [], []
        for d in data["data"]:
            if not d.get("text"):
                rejected.append(Rejected("no text", json.dumps(d), d.get("id", "")))
                continue
            created = parse_time(d["created_at"])
            assert created is not None
            mentions.append(Mention("fake", d["id"], d["text"], created))
        return mentions, rejected, data.get("next")

    async def fetch(self, target: Target, cursor: Mapping[str, Any] | None) -> Page:
        cursor = dict(cursor or {})
        if target.kind == "search":  # the backfill after a cut stream
            resp = await self._get("/backfill", {"since_id": cursor.get("since_id", "")})
        else:
            resp = await self._get(f"/api/{target.value}/{cursor.get('next', 'p1')}")
        mentions, rejected, nxt = self._page(resp)
        return Page(mentions, {"next": nxt} if nxt else {"next": "end"}, nxt is None, rejected)

    async def stream(self, target: Target, cursor: Mapping[str, Any] | None) -> AsyncIterator[Page]:
        try:
            async with self.http.stream("GET", self.base + "/stream") as resp:
                buffer = b""
                async for chunk in resp.aiter_bytes():
                    buffer += chunk
                    while b"\n" in buffer:
                        line, buffer = buffer.split(b"\n", 1)
                        mentions, _, _ = self._page(
                            httpx.Response(200, content=b'{"data": [' + line + b"]}")
                        )
                        yield Page(mentions, {"last": mentions[-1].native_id}, False)
        except httpx.HTTPError as exc:
            raise Unavailable(f"stream: {type(exc).__name__}") from exc
        if buffer:
            raise Unavailable(f"stream cut mid-message ({len(buffer)} bytes)")


class Sink:
    def __init__(self) -> None:
        self.ids: list[str] = []

    async def __call__(self, m: Mention) -> None:
        self.ids.append(m.id)

    def assert_exactly(self, *native_ids: str) -> None:
        assert sorted(self.ids) == sorted(f"fake:{n}" for n in native_ids)  # none twice


def coordinator(store: Store, server: Server, *targets: Target, **kw: Any) -> Coordinator:
    kw.setdefault("backoff_base", 0.01)
    timeout = kw.pop("timeout", 2.0)
    api = FakeApi(server.url, timeout=timeout, transport=kw.pop("transport", None))
    return Coordinator("fake-src", api, list(targets), store.sources, **kw)


class TimesOut(httpx.AsyncBaseTransport):
    """The real transport to the local server, except that the first ``times`` requests
    to ``path`` time out at once: a timeout without waiting for a wall-clock one (a 0.3 s
    client timeout also fired on normal pages of a loaded machine)."""

    def __init__(self, path: str, times: int = 1) -> None:
        self.inner = httpx.AsyncHTTPTransport()
        self.path, self.left = path, times

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if request.url.path == self.path and self.left > 0:
            self.left -= 1
            raise httpx.ReadTimeout("scripted timeout", request=request)
        return await self.inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self.inner.aclose()


class Slept:
    """Replaces a coordinator's wait: records the seconds asked for, returns at once."""

    def __init__(self, coord: Coordinator) -> None:
        self.seconds: list[float] = []
        coord._sleep = self  # type: ignore[method-assign]

    async def __call__(self, seconds: float) -> None:
        self.seconds.append(seconds)


FEED = Target("feed", "main", "brand")


def three_pages(server: Server) -> None:
    server.route("/api/main/p1", page([item("1"), item("2")], "p2"))
    server.route("/api/main/p2", page([item("2"), item("3"), item("bad", text="")], "p3"))
    server.route("/api/main/p3", page([item("4")]))


@sync
async def test_pages_to_the_end_with_duplicates_and_rejects(store: Store) -> None:
    with serve() as server:
        three_pages(server)
        coord = coordinator(store, server, FEED)
        sink = Sink()
        health = await coord.run_once(sink)
    sink.assert_exactly("1", "2", "3", "4")  # "2" was on two pages: emitted once
    assert store.sources.get_source_cursor("fake-src", "feed:main") == {"next": "end"}
    th = health.targets["feed:main"]
    assert (th.pages, th.polls, th.polls_complete, th.duplicates) == (3, 1, 1, 1)
    letters = store.sources.list_dead_letters("fake-src")
    assert [d.reason for d in letters] == ["no text"] and '"bad"' in letters[0].raw
    saved = store.sources.get_source_health("fake-src")
    assert saved is not None and saved["completeness"]["statement"].startswith("complete since")
    assert saved["completeness"]["dead_letters"] == 1 and saved["items"] == 4


@sync
async def test_429_honours_retry_after(sqlite_store: Store) -> None:
    with serve() as server:
        server.route("/api/main/p1", page([item("1")], "p2"))
        server.route("/api/main/p2", Reply(429, b"slow down", {"Retry-After": "1"}),
                     page([item("2")]))  # fmt: skip
        sink = Sink()
        coord = coordinator(sqlite_store, server, FEED)
        slept = Slept(coord)
        health = await coord.run_once(sink)
    sink.assert_exactly("1", "2")
    assert slept.seconds == [1.0]  # waited what the platform asked, not the 0.01 s backoff
    assert health.errors["RateLimited"] == 1


@sync
async def test_5xx_and_timeouts_back_off_then_resume(sqlite_store: Store) -> None:
    with serve() as server:
        server.route("/api/main/p1", Reply(503), Reply(500), page([item("1")], "p2"))
        server.route("/api/main/p2", page([item("2")]))
        sink = Sink()
        coord = coordinator(sqlite_store, server, FEED, transport=TimesOut("/api/main/p2"))
        slept = Slept(coord)
        health = await coord.run_once(sink)
    sink.assert_exactly("1", "2")
    assert health.errors["Unavailable"] == 3  # two 5xx, one timeout
    assert len(slept.seconds) == 3 and slept.seconds[1] >= slept.seconds[0]  # backed off
    assert health.targets["feed:main"].polls_complete == 1


@sync
async def test_backoff_is_exponential_with_jitter_and_capped(sqlite_store: Store) -> None:
    import random

    coord = Coordinator("x", FakeApi("http://127.0.0.1:9"), [], sqlite_store.sources,
                        backoff_base=1, backoff_cap=8, rng=random.Random(1))  # fmt: skip
    delays = [coord._delay(Unavailable("x"), n) for n in range(1, 8)]
    for n, d in enumerate(delays, start=1):
        ceiling = min(8, 2 ** (n - 1))
        assert ceiling / 2 <= d <= ceiling
    assert coord._delay(RateLimited("x", retry_after=42), 1) == 42


@sync
async def test_malformed_payload_is_dead_lettered_and_nothing_lost(store: Store) -> None:
    with serve() as server:
        server.route("/api/main/p1", page([item("1")], "p2"))
        server.route("/api/main/p2", Reply(200, b'{"data": [{"id": "2", "te'), page([item("2")]))
        sink = Sink()
        first = await coordinator(store, server, FEED).run_once(sink)
        assert first.targets["feed:main"].polls_complete == 0
        await coordinator(store, server, FEED).run_once(sink)  # next poll resumes at p2
    sink.assert_exactly("1", "2")
    (letter,) = store.sources.list_dead_letters("fake-src")
    assert letter.reason.startswith("MalformedPayload: invalid JSON")
    assert letter.raw == '{"data": [{"id": "2", "te' and "p2" in letter.location


@sync
async def test_a_repeating_cursor_does_not_loop(sqlite_store: Store) -> None:
    with serve() as server:
        server.route("/api/main/p1", page([item("1")], "p2"))
        server.route("/api/main/p2", page([item("2")], "p2"))  # the platform bug
        sink = Sink()
        health = await asyncio.wait_for(coordinator(sqlite_store, server, FEED).run_once(sink), 5)
        assert len(server.hits("/api/main/p2")) == 1  # its cursor came back: stop there
    sink.assert_exactly("1", "2")
    assert health.targets["feed:main"].cursor_repeats == 1
    assert health.errors["CursorRepeat"] == 1


@sync
async def test_restart_resumes_from_the_saved_cursor(store: Store) -> None:
    with serve() as server:
        three_pages(server)
        server.route("/api/main/p3", Reply(503))
        sink = Sink()
        await coordinator(store, server, FEED, once_retries=0).run_once(sink)
        assert store.sources.get_source_cursor("fake-src", "feed:main") == {"next": "p3"}
        # "restart": a new coordinator object; the platform is back
        server.route("/api/main/p3", page([item("4")]))
        await coordinator(store, server, FEED).run_once(sink)
        assert len(server.hits("/api/main/p1")) == 1 and len(server.hits("/api/main/p2")) == 1
    sink.assert_exactly("1", "2", "3", "4")
    assert store.sources.get_source_health("fake-src")["pages"] == 3  # type: ignore[index]


@sync
async def test_missing_credential_stops_one_source_and_the_other_runs(
    sqlite_store: Store, caplog: pytest.LogCaptureFixture
) -> None:
    with serve() as server:
        three_pages(server)
        settings = Settings(sources=[
            SourceSettings("fake", "locked", {"base": server.url, "targets": [
                {"kind": "feed", "value": "main"}]}),
            SourceSettings("fake", "open", {"base": server.url, "interval": 60, "targets": [
                {"kind": "feed", "value": "main", "match_query": "brand"}]}),
            SourceSettings("demo", "demo", {}),
        ])  # fmt: skip
        envs = iter([{}, {"FAKE_TOKEN": "t0ken"}])

        def factory(*, env: Any = None, **options: Any) -> FakeApi:
            return FakeApi(options["base"], env=next(envs))

        coords = build_coordinators(settings, sqlite_store, registry={"fake": factory})
        assert [c.name for c in coords] == ["locked", "open"]  # demo is not a connector
        sink, stop = Sink(), asyncio.Event()

        async def until_collected() -> None:
            while len(sink.ids) < 4:
                await asyncio.sleep(0.02)
            stop.set()

        with caplog.at_level(logging.ERROR, "socialhub.connectors.coordinator"):
            await asyncio.wait_for(
                asyncio.gather(*(c.run(sink, stop) for c in coords), until_collected()), 10
            )
    sink.assert_exactly("1", "2", "3", "4")
    locked = sqlite_store.sources.get_source_health("locked")
    assert locked is not None and locked["status"] == "stopped"
    assert "FAKE_TOKEN" in locked["last_error"] and "FAKE_TOKEN" in caplog.text
    assert "stopped since" in locked["completeness"]["statement"]
    assert coords[1].targets[0].match_query == "brand"


@sync
async def test_bad_request_skips_the_target_until_its_config_changes(sqlite_store: Store) -> None:
    with serve() as server:
        three_pages(server)
        server.route("/api/broken/p1", Reply(400, b'{"error": "bad query"}'))
        broken = Target("feed", "broken")
        sink = Sink()
        health = await coordinator(sqlite_store, server, broken, FEED).run_once(sink)
        sink.assert_exactly("1", "2", "3", "4")  # the other target went on
        assert health.targets["feed:broken"].skipped == "HTTP 400"
        await coordinator(sqlite_store, server, broken, FEED).run_once(sink)
        assert len(server.hits("/api/broken/p1")) == 1  # same config: not asked again
        changed = Target("feed", "broken", "new query")
        await coordinator(sqlite_store, server, changed, FEED).run_once(sink)
        assert len(server.hits("/api/broken/p1")) == 2


@sync
async def test_cut_stream_reconnects_and_backfills_the_gap(store: Store) -> None:
    def line(n: str, minute: int) -> bytes:
        return json.dumps(item(n, minute)).encode() + b"\n"

    # The second connection stays open until the test is done: closed on a timer (or cut by
    # a read timeout), a loaded machine saw it end before the run stopped: a second gap.
    release = threading.Event()
    with serve() as server:
        server.route(
            "/stream",
            Reply(lines=[line("s1", 1), line("s2", 2), b'{"id": "s3", "te']),  # cut mid-message
            Reply(lines=[line("s5", 5), line("s6", 6)], hold=60.0, release=release),
        )
        server.route("/backfill", page([item("s2", 2), item("s3", 3), item("s4", 4)]))
        target = Target("stream", "brand", "brand")
        # a read timeout on the held stream would be a second cut (the client's 2 s fired
        # while a loaded machine was still saving the cursors): nothing here waits on one
        coord = coordinator(store, server, target, timeout=60.0)
        sink, stop = Sink(), asyncio.Event()

        async def until(predicate: Callable[[], bool]) -> None:
            while not predicate():
                await asyncio.sleep(0.02)
            stop.set()

        gaps = coord.health.target(target_key(target)).gaps

        def done() -> bool:
            # stop only once s6's page cursor is saved too: stopping between the emit and
            # the save (a loaded machine) kept s5 as the stream cursor
            saved = store.sources.get_source_cursor("fake-src", "stream:brand") or {}
            caught_up = saved.get("stream") == {"last": "s6"}
            return len(sink.ids) >= 6 and bool(gaps) and gaps[0].backfilled and caught_up

        try:
            await asyncio.wait_for(asyncio.gather(coord.run(sink, stop), until(done)), 60)
        finally:
            release.set()
        (backfill,) = server.hits("/backfill?since_id=s2")
        assert backfill is not None
    sink.assert_exactly("s1", "s2", "s3", "s4", "s5", "s6")
    completeness = coord.health.completeness()
    assert (completeness["gaps_detected"], completeness["gaps_backfilled"]) == (1, 1)
    assert coord.health.errors["Unavailable"] == 1
    state = store.sources.get_source_cursor("fake-src", "stream:brand")
    assert state is not None and state["last_id"] == "s6" and state["stream"] == {"last": "s6"}
