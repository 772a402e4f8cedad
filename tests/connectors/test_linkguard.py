"""Links from collected content never reach internal addresses (SSRF)."""

from __future__ import annotations

import asyncio

import pytest

from socialhub.connectors.linkguard import LinkGuard, is_public, resolve
from socialhub.models import Mention
from socialhub.store.base import Store

from .rss.server import Reply, serve
from .rss.test_connector import ARTICLE, Sink, coord


@pytest.mark.parametrize(
    ("address", "public"),
    [
        ("93.184.215.14", True),
        ("2a00:1450:4007:80f::200e", True),
        ("127.0.0.1", False),
        ("10.1.2.3", False),
        ("172.16.0.1", False),
        ("192.168.1.1", False),
        ("169.254.169.254", False),  # cloud metadata
        ("100.64.0.1", False),  # carrier-grade NAT
        ("0.0.0.0", False),
        ("224.0.0.1", False),
        ("::1", False),
        ("fd00::1", False),
        ("fe80::1%eth0", False),
        ("::ffff:127.0.0.1", False),  # IPv4-mapped loopback
        ("not an address", False),
    ],
)
def test_public_addresses(address: str, public: bool) -> None:
    assert is_public(address) is public


def test_refusals_with_a_fixed_resolver() -> None:
    table = {"news.example": ["93.184.215.14"], "intranet.example": ["93.184.215.14", "10.0.0.7"]}
    guard = LinkGuard(["feeds.local:80"], resolver=lambda h: table.get(h, []), env={})
    assert guard.refusal("https://news.example/a") is None
    assert guard.refusal("http://FEEDS.local./x") is None  # allowed pair, case and dot
    assert guard.refusal("https://feeds.local/x") == "feeds.local does not resolve"  # 443
    reason = guard.refusal("http://intranet.example/") or ""
    assert "non-public" in reason and "10.0.0.7" in reason  # one private answer is enough
    assert guard.refusal("http://unknown.example/") == "unknown.example does not resolve"
    assert guard.refusal("ftp://news.example/") == "not an http(s) link"
    assert guard.refusal("http:///nohost") == "no host in the link"


def test_the_system_resolver_sees_loopback() -> None:
    assert "127.0.0.1" in resolve("localhost") or "::1" in resolve("localhost")
    assert LinkGuard().refusal("http://localhost:9/") is not None
    assert LinkGuard().refusal("http://169.254.169.254/latest/meta-data/") is not None


def feed(base: str, links: dict[str, str]) -> bytes:
    items = "".join(
        f"<item><title>Article {g}</title><link>{link}</link><guid>{g}</guid>"
        f"<description>Résumé {g}</description></item>"
        for g, link in links.items()
    )
    return (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Wire</title>'
        f"<link>{base}/</link>{items}</channel></rss>"
    ).encode()


def test_full_text_fetches_only_allowed_and_public_addresses(
    sqlite_store: Store,
) -> None:
    html = {"Content-Type": "text/html; charset=utf-8"}
    with serve() as server:
        port = server.url.rsplit(":", 1)[1]
        links = {
            "ok": f"{server.url}/a/ok",  # the allowed host:port: fetched
            "meta": "http://169.254.169.254/latest/meta-data/",  # refused before connecting
            "intranet": "http://intranet.test/wiki",  # resolves to a private address
            "hop": f"{server.url}/a/hop",  # redirects to another name for loopback
        }
        rss = {"Content-Type": "application/rss+xml"}
        url = server.route("/feed.xml", Reply(200, feed(server.url, links), rss))
        server.route("/a/ok", Reply(200, ARTICLE.encode(), html))
        server.route("/a/hop", Reply(302, b"", {"Location": f"http://localhost:{port}/secret"}))
        server.route("/secret", Reply(200, ARTICLE.encode(), html))
        table = {"intranet.test": ["10.20.30.40"], "localhost": ["127.0.0.1"]}
        sink = Sink()
        asyncio.run(
            coord(sqlite_store, url, full_text=True, resolver=lambda h: table.get(h, [])).run_once(
                sink
            )
        )
        assert len(server.hits("/a/ok")) == 1
        assert len(server.hits("/a/hop")) == 1
        assert server.hits("/secret") == []  # the redirect hop was refused
    by_title: dict[str, Mention] = {m.text.split("\n")[0]: m for m in sink.mentions}
    assert "rétabli en fin de journée" in by_title["Article ok"].text
    for refused in ("meta", "intranet", "hop"):  # kept, with the feed's summary
        assert by_title[f"Article {refused}"].text == f"Article {refused}\n\nRésumé {refused}"
