"""Golden files: documented RSS 2.0 / Atom payloads -> normalised mentions (JSON).

Regenerate after a deliberate change with ``SOCIALHUB_REGEN_GOLDEN=1`` and review the
diff: the golden files are the contract of what a feed item becomes.
"""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import Any

import pytest

from socialhub.connectors.base import MalformedPayload
from socialhub.connectors.rss.normalize import (
    NormalizeError,
    html_to_text,
    normalize_item,
    parse_feed,
)
from socialhub.serialize import mention_to_dict

FIXTURES = Path(str(resources.files("socialhub.connectors.rss").joinpath("fixtures")))
NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
FEEDS = {
    "rss2": "https://www.courrier-numerique.example/feed.xml",
    "atom": "https://blog.northwind-networks.example/atom.xml",
}


def normalise(name: str) -> list[dict[str, Any]]:
    feed = parse_feed((FIXTURES / f"{name}.xml").read_bytes(), FEEDS[name])
    out: list[dict[str, Any]] = []
    for item in feed.items:
        try:
            mention = normalize_item(item, feed, match_query="telcora", collected_at=NOW)
        except NormalizeError as exc:
            out.append({"rejected": str(exc)})
            continue
        data = mention_to_dict(mention, include_raw=False)
        out.append(json.loads(json.dumps(data, default=str)))
    return out


@pytest.mark.parametrize("name", sorted(FEEDS))
def test_golden(name: str) -> None:
    golden = FIXTURES / f"{name}.json"
    got = normalise(name)
    if os.environ.get("SOCIALHUB_REGEN_GOLDEN"):
        golden.write_text(json.dumps(got, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    assert got == json.loads(golden.read_text(encoding="utf-8"))


def test_rss_fields() -> None:
    first, second, third = normalise("rss2")
    assert first["created_at"] == "2026-03-01 08:15:00+00:00"  # +0100 -> UTC
    assert "alert(1)" not in first["text"] and "panne & des coupures" in first["text"]
    assert first["lang"] == "fr" and first["kind"] == "article" and first["platform"] == "news"
    assert second["url"] == "https://www.courrier-numerique.example/2026/03/01/geste-telcora"
    assert third == {"rejected": "item has no text, link, enclosure or media (empty-text policy)"}


def test_atom_fields_and_next_link() -> None:
    feed = parse_feed((FIXTURES / "atom.xml").read_bytes(), FEEDS["atom"])
    assert feed.next_url == "https://blog.northwind-networks.example/atom.xml?page=2"
    en, fr = normalise("atom")
    assert en["text"].startswith("Why fibre outages happen") and en["lang"] == "en"
    assert fr["lang"] == "fr" and fr["text"].endswith("Une analyse à chaud.")


def test_same_item_keeps_its_identity() -> None:
    assert [m["native_id"] for m in normalise("rss2")[:2]] == [
        m["native_id"] for m in normalise("rss2")[:2]
    ]


def test_billion_laughs_is_refused_quickly() -> None:
    with pytest.raises(MalformedPayload) as err:
        parse_feed((FIXTURES / "billion_laughs.xml").read_bytes(), "http://x.example/f")
    assert "nested entity declaration 'lol1'" in str(err.value) and "lol9" in err.value.raw


def test_quadratic_entity_blowup_is_refused() -> None:
    """One long flat entity referenced many times: no nesting, still a bomb."""
    refs = b"&big;" * 2000
    body = (
        b'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY big "' + b"x" * 1000 + b'">]>'
        b'<rss version="2.0"><channel><item><title>' + refs + b"</title></item></channel></rss>"
    )
    with pytest.raises(MalformedPayload, match="expand past"):
        parse_feed(body, "http://x.example/f")


def test_a_small_declared_entity_is_read() -> None:
    body = (
        b'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY co "Telcora">]>'
        b'<rss version="2.0"><channel><item><title>&co; en panne</title></item></channel></rss>'
    )
    feed = parse_feed(body, "http://x.example/f")
    mention = normalize_item(feed.items[0], feed, collected_at=NOW)
    assert mention.text == "Telcora en panne"


@pytest.mark.parametrize(
    "body", [b"", b'{"json": true}', b"<html><body>hi</body></html>", b"\xff\xfe\x00garbage"]
)
def test_not_a_feed_is_malformed(body: bytes) -> None:
    with pytest.raises(MalformedPayload, match="not a feed"):
        parse_feed(body, "http://x.example/f")


def test_a_truncated_feed_is_read_with_a_warning() -> None:
    body = b"<rss version='2.0'><channel><item><title>whole</title></item><item><title>cut"
    feed = parse_feed(body, "http://x.example/f")
    assert feed.warning and feed.items[0]["title"] == "whole"
    with pytest.raises(NormalizeError, match="empty-text policy"):  # the cut item: nothing
        normalize_item(feed.items[1], feed, collected_at=NOW)


def test_external_entities_are_never_resolved() -> None:
    body = (
        b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        b"<rss version='2.0'><channel><title>&x;</title><item><title>a &x;</title>"
        b"</item></channel></rss>"
    )
    feed = parse_feed(body, "http://x.example/f")
    text = normalize_item(feed.items[0], feed, collected_at=NOW).text
    assert "root:" not in text and "root:" not in feed.title


def test_html_to_text() -> None:
    html = "<p>Un <b>test</b> &eacute;t&eacute;</p><style>p{}</style><p>deux</p>"
    assert html_to_text(html) == "Un test été\ndeux"


def _one(item: str) -> str:
    body = f'<rss version="2.0"><channel><title>W</title>{item}</channel></rss>'.encode()
    feed = parse_feed(body, "http://x.example/feed")
    return normalize_item(feed.items[0], feed, collected_at=NOW).text


def test_empty_text_policy_builds_a_text_from_what_the_item_has() -> None:
    assert _one("<item><link>http://x.example/a</link></item>") == "http://x.example/a"
    enclosure = '<item><enclosure url="http://x.example/e.mp3" type="audio/mpeg"/></item>'
    assert _one(enclosure) == "http://x.example/e.mp3"
    img = (
        '<item><description>&lt;img alt="Carte des coupures" src="/c.png"&gt;</description></item>'
    )
    assert _one(img) == "Carte des coupures"
    only_src = '<item><description>&lt;img src="/c.png"&gt;</description></item>'
    assert _one(only_src) == "http://x.example/c.png"
    with pytest.raises(NormalizeError, match="empty-text policy"):
        _one('<item><description>&lt;span abbr=""&gt;&lt;/span&gt;</description></item>')


def test_dates_from_every_element_feedparser_reads() -> None:
    dc = (
        b'<rss version="2.0" xmlns:dcterms="http://purl.org/dc/terms/"><channel><item>'
        b"<title>t</title><dcterms:modified>2026-03-01T10:00:00+01:00</dcterms:modified>"
        b"</item></channel></rss>"
    )
    feed = parse_feed(dc, "http://x.example/feed")
    mention = normalize_item(feed.items[0], feed, collected_at=NOW)
    assert mention.created_at == datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
