"""Issue #19.1: no connector fetch reaches an internal address, hop by hop.

Two local servers: the *configured* one (its exact host:port is on the test-only
allow-list) and an *internal* one on another loopback port, which is not. Redirects and
links from the configured server to the internal one must be refused with a clear
reason, the internal server must never be hit, and nothing of its body may be stored or
quarantined.
"""

from __future__ import annotations

import asyncio
import os
from contextlib import AbstractContextManager
from typing import Any

import httpcore
import pytest

from socialhub.connectors.base import Target
from socialhub.connectors.coordinator import Coordinator
from socialhub.connectors.linkguard import (
    ALLOW_ENV,
    AddressRefused,
    LinkGuard,
    PinnedBackend,
    guarded_client,
)
from socialhub.connectors.rss import RssConnector
from socialhub.connectors.webwatch import WebWatchConnector
from socialhub.store.base import Store

from .canned_server import Reply, Request, serve
from .rss.server import Reply as FeedReply
from .rss.server import serve as feed_serve
from .rss.test_connector import Sink, rss

SECRET = b"INTERNAL-ADMIN-SECRET"
SELECTORS = {"item": "article.post", "text": ".content", "date": "time", "next": "a[rel=next]"}
HTML = {"Content-Type": "text/html; charset=utf-8"}
PAGE = (
    b"<html><body><article class='post' data-post-id='1'>"
    b"<time datetime='2026-03-01T08:00:00+01:00'>1 mars</time><div class='content'>"
    b"Coupure chez Telcora ce matin</div></article>{next}</body></html>"
)


def internal_server() -> AbstractContextManager[tuple[str, list[Request]]]:
    """A loopback server the hub must never reach (not on the allow-list)."""
    return serve(lambda r: Reply(200, SECRET, HTML), allow=False)


def everything_stored(store: Store, source: str) -> str:
    letters = store.sources.list_dead_letters(source)
    return " ".join(f"{d.reason} {d.raw} {d.location}" for d in letters)


def run(coordinator: Coordinator, sink: Sink) -> None:
    asyncio.run(coordinator.run_once(sink))


def test_default_guard_refuses_every_internal_form() -> None:
    table = {"rebind.test": ["93.184.215.14", "::1"], "meta.test": ["169.254.169.254"]}
    guard = LinkGuard(resolver=lambda h: table.get(h, []), env={})
    for url in (
        "http://127.0.0.1/",
        "http://127.1/",  # short form of loopback
        "http://[::1]:8080/",
        "http://[::ffff:127.0.0.1]/",  # IPv4-mapped
        "http://[2002:7f00:1::]/",  # 6to4 around 127.0.0.1
        "http://[64:ff9b::a9fe:a9fe]/",  # NAT64 around 169.254.169.254
        "http://[fe80::1]/",
        "http://[fd12::1]/",
        "http://10.0.0.1/",
        "http://100.64.1.1/",
        "http://0.0.0.0/",
        "http://240.0.0.1/",  # reserved
        "http://rebind.test/",  # one private answer is enough
        "http://meta.test/latest/meta-data/",
        "http://localhost./",
    ):
        assert guard.refusal(url), url
    assert guard.refusal("https://[2a00:1450:4007:80f::200e]/") is None


def test_the_allowance_is_one_exact_host_and_port(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ALLOW_ENV, "127.0.0.1:8081, intranet.corp:443")
    guard = LinkGuard(resolver=lambda h: ["10.1.1.1"])
    assert guard.refusal("http://127.0.0.1:8081/feed") is None
    assert guard.refusal("http://127.0.0.1:8082/") is not None  # another port
    assert guard.refusal("http://localhost:8081/") is not None  # another name
    assert guard.refusal("https://intranet.corp/rss") is None
    assert guard.refusal("http://intranet.corp/rss") is not None  # port 80
    monkeypatch.delenv(ALLOW_ENV)
    assert guard.refusal("http://127.0.0.1:8081/feed") is not None


def test_webwatch_page_redirecting_to_loopback_is_refused(store: Store) -> None:
    with internal_server() as (inside, hits):

        def site(req: Request) -> Reply:
            if req.path == "/robots.txt":
                return Reply(404, "")
            return Reply(302, "", {"Location": f"{inside}/admin"})

        with serve(site) as (base, _):
            sink = Sink()
            target = Target("page", f"{base}/forum/t/1", "", SELECTORS)
            coordinator = Coordinator(
                "forum", WebWatchConnector(min_delay=0), [target], store.sources
            )
            run(coordinator, sink)
    assert hits == [] and sink.mentions == []
    health = store.sources.get_source_health("forum") or {}
    target_health = next(iter(health["targets"].values()))
    assert "refused" in target_health["skipped"] and "127.0.0.1" in target_health["skipped"]
    assert SECRET.decode() not in everything_stored(store, "forum")


def test_webwatch_next_link_to_loopback_is_not_followed(store: Store) -> None:
    with internal_server() as (inside, hits):
        body = PAGE.replace(b"{next}", f'<a rel="next" href="{inside}/page2">2</a>'.encode())

        def site(req: Request) -> Reply:
            return Reply(404, "") if req.path == "/robots.txt" else Reply(200, body, HTML)

        with serve(site) as (base, _):
            sink = Sink()
            target = Target("page", f"{base}/forum/t/1", "", SELECTORS)
            coordinator = Coordinator(
                "forum", WebWatchConnector(min_delay=0), [target], store.sources
            )
            run(coordinator, sink)
    assert hits == []  # neither /robots.txt nor /page2 there
    assert [m.text for m in sink.mentions] == ["Coupure chez Telcora ce matin"]
    letters = store.sources.list_dead_letters("forum")
    assert len(letters) == 1 and letters[0].reason.startswith("next page link refused")
    assert letters[0].raw == f"{inside}/page2"
    assert SECRET.decode() not in everything_stored(store, "forum")


def test_feed_redirecting_to_loopback_is_refused(store: Store) -> None:
    with internal_server() as (inside, hits), feed_serve() as server:
        url = server.route("/feed.xml", FeedReply(302, b"", {"Location": f"{inside}/feed"}))
        sink = Sink()
        target = Target("feed", url, "")
        run(Coordinator("news", RssConnector(), [target], store.sources), sink)
    assert hits == [] and sink.mentions == []
    health = store.sources.get_source_health("news") or {}
    skipped = next(iter(health["targets"].values()))["skipped"]
    assert skipped.startswith("fetch refused:") and "non-public address (127.0.0.1)" in skipped
    assert SECRET.decode() not in everything_stored(store, "news")


def test_feed_next_page_on_loopback_is_dead_lettered_not_fetched(store: Store) -> None:
    with internal_server() as (inside, hits), feed_serve() as server:
        body = rss("a", next_url=f"{inside}/older").replace(b"{base}", server.url.encode())
        url = server.route("/feed.xml", FeedReply(200, body))
        sink = Sink()
        connector = RssConnector(history_pages=3)
        run(Coordinator("news", connector, [Target("feed", url, "")], store.sources), sink)
    assert hits == [] and sink.titles() == ["Article a"]
    letters = store.sources.list_dead_letters("news")
    assert [d.raw for d in letters] == [f"{inside}/older"]
    assert "next page link refused" in letters[0].reason


def test_unconfigured_loopback_feed_is_refused_by_default() -> None:
    """Without the allowance, a configured loopback URL is refused too."""
    with feed_serve(allow=False) as server:
        url = server.route("/feed.xml", FeedReply(200, rss("a")))

        async def go() -> None:
            connector = RssConnector()
            try:
                await connector.fetch(Target("feed", url), None)
            finally:
                await connector.close()

        assert ALLOW_ENV not in os.environ or server.url not in os.environ[ALLOW_ENV]
        with pytest.raises(AddressRefused, match="non-public address"):
            asyncio.run(go())
        assert server.hits("/feed.xml") == []


def test_webwatch_robots_txt_redirect_to_loopback_is_refused(store: Store) -> None:
    with internal_server() as (inside, hits):

        def site(req: Request) -> Reply:
            if req.path == "/robots.txt":
                return Reply(301, "", {"Location": f"{inside}/robots.txt"})
            return Reply(200, PAGE.replace(b"{next}", b""), HTML)

        with serve(site) as (base, seen):
            sink = Sink()
            target = Target("page", f"{base}/forum/t/1", "", SELECTORS)
            coordinator = Coordinator(
                "forum", WebWatchConnector(min_delay=0), [target], store.sources
            )
            run(coordinator, sink)
    assert hits == [] and sink.mentions == []
    assert [r.path for r in seen] == ["/robots.txt"]  # the page is not read either
    health = store.sources.get_source_health("forum") or {}
    skipped = next(iter(health["targets"].values()))["skipped"]
    assert "refused" in skipped and "/robots.txt" in skipped


def test_dns_rebinding_is_caught_where_the_socket_opens() -> None:
    """The name answers a public address to the URL check, then loopback: refused at
    connect time, and the server is never reached."""
    with internal_server() as (inside, hits):
        port = int(inside.rsplit(":", 1)[1])
        answers = iter([["93.184.215.14"], ["127.0.0.1"]])
        guard = LinkGuard(resolver=lambda host: next(answers), env={})

        async def go() -> None:
            async with guarded_client(guard, timeout=5) as client:
                await client.get(f"http://rebind.test:{port}/admin")

        with pytest.raises(AddressRefused, match=r"rebind.test resolves to a non-public"):
            asyncio.run(go())
    assert hits == []


def test_connections_go_to_the_checked_address() -> None:
    seen: list[tuple[str, int]] = []

    class Recorder(httpcore.AsyncNetworkBackend):
        async def connect_tcp(self, host: str, port: int, *args: Any, **kw: Any) -> Any:
            seen.append((host, port))
            raise httpcore.ConnectError("recorded, not connected")

        async def sleep(self, seconds: float) -> None:
            return None

    guard = LinkGuard(resolver=lambda host: ["2a00:1450:4007:80f::200e", "93.184.215.14"], env={})
    backend = PinnedBackend(guard, Recorder())
    with pytest.raises(httpcore.ConnectError):
        asyncio.run(backend.connect_tcp("news.example", 443))
    assert seen == [("93.184.215.14", 443)]  # the checked IPv4 address, not the name
