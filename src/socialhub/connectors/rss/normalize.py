"""Feed documents (RSS 2.0, RSS 1.0/RDF, Atom 1.0) -> ``article`` mentions.

XML is parsed with ``defusedxml``: entity declarations (billion laughs), external
entities and external DTDs are refused, so a hostile feed is dead-lettered instead of
exhausting memory. HTML in summaries is reduced to text with the standard library's
tokenizer; nothing in a feed is ever executed or fetched here.

A mention's ``native_id`` is a hash of the item's ``guid``/``id`` (else its link), so
the same item seen again, or through another feed, keeps its identity.
"""

from __future__ import annotations

import hashlib
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urljoin

import defusedxml
import defusedxml.ElementTree as SafeET

from socialhub.connectors.base import MalformedPayload, parse_time
from socialhub.connectors.rss.client import is_http_url
from socialhub.models import Author, Mention
from socialhub.text import url_host

PLATFORM = "news"
ATOM = "{http://www.w3.org/2005/Atom}"
RSS1 = "{http://purl.org/rss/1.0/}"
RDF = "{http://www.w3.org/1999/02/22-rdf-syntax-ns#}"
CONTENT = "{http://purl.org/rss/1.0/modules/content/}"
DC = "{http://purl.org/dc/elements/1.1/}"
MEDIA = "{http://search.yahoo.com/mrss/}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
SUMMARY_CHARS = 2000  # a summary longer than this is a full article pasted in the feed


class NormalizeError(ValueError):
    """One item cannot become a mention (dead-lettered with this reason)."""


@dataclass(slots=True)
class Feed:
    url: str
    format: str  # rss, rdf, atom
    title: str = ""
    link: str = ""
    lang: str = "und"
    next_url: str = ""  # RFC 5005 paged feeds: older entries
    items: list[ET.Element] = field(default_factory=list)


# -- the document --------------------------------------------------------------------


def parse_feed(body: bytes, url: str) -> Feed:
    """The feed's metadata and item elements, or :class:`MalformedPayload`."""
    try:
        root = SafeET.fromstring(body, forbid_dtd=False, forbid_entities=True)
    except defusedxml.DefusedXmlException as exc:
        raise MalformedPayload(f"refused XML ({type(exc).__name__})", raw=_head(body)) from exc
    except ET.ParseError as exc:
        raise MalformedPayload(f"invalid XML: {exc}", raw=_head(body)) from exc
    if root.tag == "rss":
        channel = root.find("channel")
        if channel is None:
            raise MalformedPayload("RSS without <channel>", raw=_head(body))
        feed = Feed(url, "rss", _text(channel, "title"), _text(channel, "link"))
        feed.lang = _lang(_text(channel, "language"))
        feed.items = channel.findall("item")
        feed.next_url = _link(channel, "next", ATOM)
    elif root.tag == f"{ATOM}feed":
        feed = Feed(url, "atom", _text(root, f"{ATOM}title"), _link(root, "alternate", ATOM))
        feed.lang = _lang(root.get(XML_LANG, ""))
        feed.items = root.findall(f"{ATOM}entry")
        feed.next_url = _link(root, "next", ATOM)
    elif root.tag == f"{RDF}RDF":
        channel = root.find(f"{RSS1}channel")
        feed = Feed(url, "rdf")
        if channel is not None:
            feed.title, feed.link = _text(channel, f"{RSS1}title"), _text(channel, f"{RSS1}link")
            feed.lang = _lang(_text(channel, f"{DC}language"))
        feed.items = root.findall(f"{RSS1}item")
    else:
        raise MalformedPayload(f"not a feed: root element <{root.tag}>", raw=_head(body))
    feed.link = _absolute(feed.link, url)
    feed.next_url = _absolute(feed.next_url, url)
    return feed


# -- one item ------------------------------------------------------------------------------


def normalize_item(
    item: ET.Element, feed: Feed, *, match_query: str = "", collected_at: datetime
) -> Mention:
    """One ``<item>``/``<entry>`` -> a mention; :class:`NormalizeError` when unusable."""
    if feed.format == "atom":
        fields = _atom_fields(item)
    else:
        ns = RSS1 if feed.format == "rdf" else ""
        fields = _rss_fields(item, ns)
    link = _absolute(fields["link"], feed.url)
    title = html_to_text(fields["title"])
    summary = html_to_text(fields["summary"]) or html_to_text(fields["content"])
    if len(summary) > SUMMARY_CHARS:
        summary = summary[:SUMMARY_CHARS].rsplit(" ", 1)[0] + " …"
    if not title and not summary:
        raise NormalizeError("item has neither a title nor a summary")
    identity = fields["guid"] or link or f"{feed.url}|{title}|{fields['date']}"
    created = _date(fields["date"]) or collected_at
    host = url_host(feed.link) or url_host(link) or url_host(feed.url)
    author = Author(PLATFORM, host or "unknown", handle=host, name=feed.title or host)
    lang = _lang(item.get(XML_LANG, "")) if item.get(XML_LANG) else feed.lang
    raw = {
        "feed": feed.url,
        "format": feed.format,
        "xml": ET.tostring(item, encoding="unicode"),
    }
    return Mention(
        platform=PLATFORM,
        native_id=hashlib.sha256(identity.encode("utf-8")).hexdigest()[:32],
        text=f"{title}\n\n{summary}".strip() if title and summary else (title or summary),
        created_at=created,
        url=link if is_http_url(link) else "",
        lang=lang,
        kind="article",
        collected_at=collected_at,
        collected_via="rss",
        match_query=match_query,
        author=author,
        media=[m for m in fields["media"] if is_http_url(m)],
        raw=raw,
    )


def _rss_fields(item: ET.Element, ns: str) -> dict[str, Any]:
    guid = _text(item, "guid") or item.get(f"{RDF}about", "")
    media = [e.get("url", "") for e in item.findall("enclosure")]
    media += [e.get("url", "") for e in item.findall(f"{MEDIA}content")]
    return {
        "guid": guid,
        "link": _text(item, f"{ns}link"),
        "title": _text(item, f"{ns}title"),
        "summary": _text(item, f"{ns}description"),
        "content": _text(item, f"{CONTENT}encoded"),
        "date": _text(item, "pubDate") or _text(item, f"{DC}date"),
        "media": media,
    }


def _atom_fields(entry: ET.Element) -> dict[str, Any]:
    media = [e.get("href", "") for e in entry.findall(f"{ATOM}link") if e.get("rel") == "enclosure"]
    return {
        "guid": _text(entry, f"{ATOM}id"),
        "link": _link(entry, "alternate", ATOM),
        "title": _text(entry, f"{ATOM}title"),
        "summary": _text(entry, f"{ATOM}summary"),
        "content": _text(entry, f"{ATOM}content"),
        "date": _text(entry, f"{ATOM}published") or _text(entry, f"{ATOM}updated"),
        "media": media,
    }


# -- small helpers ---------------------------------------------------------------------------


def _text(parent: ET.Element, tag: str) -> str:
    el = parent.find(tag)
    return "" if el is None else "".join(el.itertext()).strip()


def _link(parent: ET.Element, rel: str, ns: str) -> str:
    """An Atom ``<link rel=...>`` (a missing rel means alternate)."""
    for el in parent.findall(f"{ns}link"):
        if el.get("rel", "alternate") == rel and el.get("href"):
            return el.get("href", "").strip()
    return ""


def _absolute(url: str, base: str) -> str:
    return urljoin(base, url) if url else ""


def _lang(value: str) -> str:
    code = value.strip().lower().replace("_", "-").split("-")[0]
    return code if re.fullmatch(r"[a-z]{2,3}", code) else "und"


def _date(value: str) -> datetime | None:
    """RFC 822 (RSS) or ISO 8601 (Atom, Dublin Core), as aware UTC."""
    if not value:
        return None
    dt = parse_time(value)
    if dt is None:
        try:
            dt = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
    return dt.replace(tzinfo=UTC) if dt.tzinfo is None else dt.astimezone(UTC)


def _head(body: bytes) -> str:
    return body[:65536].decode("utf-8", "replace")


class _TextExtractor(HTMLParser):
    SKIP = frozenset({"script", "style", "noscript", "iframe", "template", "svg"})
    BLOCK = frozenset({"p", "br", "div", "li", "h1", "h2", "h3", "h4", "blockquote", "tr"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.SKIP:
            self._skip += 1
        elif tag in self.BLOCK:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self.SKIP and self._skip:
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def html_to_text(value: str) -> str:
    """Visible text of an HTML fragment, whitespace collapsed (paragraphs kept)."""
    if not value:
        return ""
    if "<" not in value and "&" not in value:
        return " ".join(value.split())
    parser = _TextExtractor()
    parser.feed(value)
    parser.close()
    lines = (" ".join(line.split()) for line in "".join(parser.parts).split("\n"))
    return "\n".join(line for line in lines if line)
