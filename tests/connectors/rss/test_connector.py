"""The RSS connector under the coordinator, against a local server serving feeds."""

from __future__ import annotations

import asyncio
import time
from importlib import resources
from pathlib import Path

import pytest

from socialhub.connectors.base import BadRequest, MalformedPayload, Target
from socialhub.connectors.coordinator import Coordinator
from socialhub.connectors.rss import RssConnector
from socialhub.models import Mention
from socialhub.store.base import Store

from .server import Reply, Server, serve

LAST_MODIFIED = "Sun, 01 Mar 2026 10:00:00 GMT"
FIXTURES = Path(str(resources.files("socialhub.connectors.rss").joinpath("fixtures")))


def rss(*items: str, next_url: str = "") -> bytes:
    """A small RSS 2.0 document; each item is a guid (title and link derive from it)."""
    nxt = f'<atom:link rel="next" href="{next_url}"/>' if next_url else ""
    body = "".join(
        f"<item><title>Article {g}</title><link>{{base}}/a/{g}</link><guid>{g}</guid>"
        f"<pubDate>Sun, 01 Mar 2026 10:0{i % 10}:00 GMT</pubDate>"
        f"<description>Résumé {g}</description></item>"
        for i, g in enumerate(items)
    )
    return (
        '<?xml version="1.0"?><rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom">'
        f"<channel><title>Fictional Wire</title><link>{{base}}/</link>{nxt}{body}"
        "</channel></rss>"
    ).encode()


class Sink:
    def __init__(self) -> None:
        self.mentions: list[Mention] = []

    async def __call__(self, m: Mention) -> None:
        self.mentions.append(m)

    def titles(self) -> list[str]:
        return sorted(m.text.split("\n")[0] for m in self.mentions)


def feed_reply(server: Server, body: bytes, **headers: str) -> Reply:
    return Reply(200, body.replace(b"{base}", server.url.encode()),
                 {"Content-Type": "application/rss+xml", **headers})  # fmt: skip


def coord(store: Store, url: str, **options: object) -> Coordinator:
    connector = RssConnector(**options)  # type: ignore[arg-type]
    target = Target("feed", url, "fictional")
    return Coordinator("news-fr", connector, [target], store.sources, backoff_base=0.01)


def test_conditional_get_and_no_repeat_across_restarts(store: Store) -> None:
    with serve() as server:
        url = server.route(
            "/feed.xml",
            feed_reply(server, rss("a", "b"), ETag='"v1"', **{"Last-Modified": LAST_MODIFIED}),
            Reply(304),
            feed_reply(server, rss("a", "b", "c"), ETag='"v2"'),
        )  # fmt: skip
        sink = Sink()
        for _ in range(3):  # each run_once is a fresh coordinator: a restart
            asyncio.run(coord(store, url).run_once(sink))
        hits = server.hits("/feed.xml")
    assert sink.titles() == ["Article a", "Article b", "Article c"]  # none twice
    assert "if-none-match" not in hits[0]
    assert hits[1]["if-none-match"] == '"v1"'
    assert hits[1]["if-modified-since"] == "Sun, 01 Mar 2026 10:00:00 GMT"
    assert hits[2]["if-none-match"] == '"v1"'  # a 304 keeps the validators
    cursor = store.sources.get_source_cursor("news-fr", f"feed:{url}")
    assert cursor is not None and cursor["etag"] == '"v2"' and len(cursor["seen"]) == 3
    m = sink.mentions[0]
    assert (m.platform, m.kind, m.collected_via, m.match_query) == (
        "news", "article", "rss", "fictional")  # fmt: skip


def test_history_pages_to_the_end_and_stops_on_a_self_link(sqlite_store: Store) -> None:
    with serve() as server:
        p2, p3 = server.url + "/p2.xml", server.url + "/p3.xml"
        url = server.route("/feed.xml", feed_reply(server, rss("a", "b", next_url=p2)))
        server.route("/p2.xml", feed_reply(server, rss("b", "c", next_url=p3)))
        server.route("/p3.xml", feed_reply(server, rss("d", next_url=p3)))  # points at itself
        sink = Sink()
        health = asyncio.run(coord(sqlite_store, url, history_pages=10).run_once(sink))
        again = asyncio.run(coord(sqlite_store, url, history_pages=10).run_once(sink))
        assert len(server.hits("/p3.xml")) == 1  # history is read once
    assert sink.titles() == ["Article a", "Article b", "Article c", "Article d"]
    assert health.targets[f"feed:{url}"].pages == 3
    assert again.targets[f"feed:{url}"].polls_complete == 2


def test_errors_429_5xx_timeout_then_success(sqlite_store: Store) -> None:
    with serve() as server:
        url = server.route(
            "/feed.xml",
            Reply(429, b"", {"Retry-After": "1"}),
            Reply(503),
            Reply(200, b"", delay=1.0),
            feed_reply(server, rss("a")),
        )
        sink = Sink()
        started = time.monotonic()
        c = coord(sqlite_store, url, timeout=0.3)
        c.once_retries = 5
        health = asyncio.run(c.run_once(sink))
    assert time.monotonic() - started >= 0.95
    assert sink.titles() == ["Article a"]
    assert health.errors["RateLimited"] == 1 and health.errors["Unavailable"] == 2


def test_hostile_and_broken_feeds_are_dead_lettered(store: Store) -> None:
    with serve() as server:
        url = server.route(
            "/feed.xml",
            Reply(200, (FIXTURES / "billion_laughs.xml").read_bytes()),
            Reply(200, b"\x00\x01 not xml at all"),
            feed_reply(server, rss("a")),
        )
        sink = Sink()
        for _ in range(3):
            asyncio.run(coord(store, url).run_once(sink))
    assert sink.titles() == ["Article a"]
    reasons = sorted(d.reason for d in store.sources.list_dead_letters("news-fr"))
    assert reasons[0].startswith("MalformedPayload: not a feed")
    assert "nested entity declaration" in reasons[1]


def test_a_feed_without_items_is_said_once_per_version(store: Store) -> None:
    """No feed yields nothing silently: an itemless feed is one dead letter with the
    reason, not one per poll; a new version of the document says it again."""
    with serve() as server:
        url = server.route(
            "/feed.xml",
            feed_reply(server, rss()),
            feed_reply(server, rss()),  # the same document, no validators: polled again
            feed_reply(server, rss().replace(b"Fictional Wire", b"Fictional Wire 2")),
            feed_reply(server, rss("a")),
        )  # fmt: skip
        sink = Sink()
        for _ in range(4):
            asyncio.run(coord(store, url).run_once(sink))
    assert sink.titles() == ["Article a"]
    letters = store.sources.list_dead_letters("news-fr")
    assert len(letters) == 2
    assert all("feed without items: nothing to collect (rss20 document" in d.reason
               for d in letters)  # fmt: skip
    assert "'Fictional Wire 2'" in letters[0].reason  # newest first
    cursor = store.sources.get_source_cursor("news-fr", f"feed:{url}")
    assert cursor is not None and "empty" not in cursor


def test_size_cap_and_bad_targets() -> None:
    async def go() -> None:
        with serve() as server:
            url = server.route("/big.xml", Reply(200, b"<rss>" + b" " * 10_000 + b"</rss>"))
            connector = RssConnector(max_bytes=1000)
            with pytest.raises(MalformedPayload, match="larger than 1000 bytes"):
                await connector.fetch(Target("feed", url), None)
            with pytest.raises(BadRequest):
                await connector.fetch(Target("feed", "file:///etc/passwd"), None)
            with pytest.raises(BadRequest):
                await connector.fetch(Target("search", "telcora"), None)
            gone = server.route("/gone.xml", Reply(410))
            with pytest.raises(BadRequest, match="410"):
                await connector.fetch(Target("feed", gone), None)
            await connector.close()

    asyncio.run(go())


ARTICLE = """<html><head><title>x</title><script>document.write('evil')</script></head>
<body><nav>menu</nav><article><h1>Article a</h1>
<p>La panne a touché des milliers d'abonnés de Telcora dimanche matin, selon plusieurs
témoignages recueillis par la rédaction auprès des clients concernés dans toute la région.</p>
<p>L'opérateur fictif indique que le service a été rétabli en fin de journée et promet un
geste commercial aux abonnés touchés, sans préciser son montant pour le moment.</p>
</article><footer>© Fictional Wire</footer></body></html>"""


def test_full_text_extraction(sqlite_store: Store) -> None:
    with serve() as server:
        url = server.route("/feed.xml", feed_reply(server, rss("a", "b")))
        server.route(
            "/a/a", Reply(200, ARTICLE.encode(), {"Content-Type": "text/html; charset=utf-8"})
        )
        server.route(
            "/a/b",
            Reply(200, b"\x00" * 5000, {"Content-Type": "text/html"}),
        )
        sink = Sink()
        asyncio.run(coord(sqlite_store, url, full_text=True, article_max_bytes=4000).run_once(sink))
        assert len(server.hits("/a/a")) == 1
    by_title = {m.text.split("\n")[0]: m for m in sink.mentions}
    full = by_title["Article a"].text
    assert "rétabli en fin de journée" in full and "evil" not in full and "menu" not in full
    assert by_title["Article b"].text == "Article b\n\nRésumé b"  # too big: summary kept
