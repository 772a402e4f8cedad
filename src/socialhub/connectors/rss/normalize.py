"""Feed documents -> ``article`` mentions, as feedparser reads them.

feedparser reads every RSS (0.9x, 1.0/RDF, 2.0), Atom (0.3, 1.0) and CDF version, the
encodings (Big5, EUC-KR, UTF-16, a bogus charset...), HTML entities and a dozen date
formats; the project's own fetch (``client.py``: address guard, conditional requests,
size cap) hands it the body and the HTTP headers. Nothing here fetches anything.

XML bombs: feedparser drops the document type and keeps only simple entity declarations
(no nesting, no external entity), so a billion-laughs document cannot expand
exponentially; :func:`check_entities` also refuses a document whose declared entities
would expand past a bound (the quadratic blow-up: one long entity referenced many
times) or an entity made of other entities, before feedparser sees it.

An item becomes a mention when it has any content: a title, a summary or content, a
link or an enclosure (then the text is the link; see docs/connectors.md, empty-text
policy). Dates are feedparser's (``published``, else ``updated``, else ``created``),
converted to aware UTC. ``native_id`` is a hash of the item's id (else its link, else
its feed, title, date and summary), so the same item keeps its identity.
"""

from __future__ import annotations

import calendar
import hashlib
import re
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urljoin

import feedparser

from socialhub.connectors.base import MalformedPayload
from socialhub.connectors.rss.client import is_http_url
from socialhub.models import Author, Mention
from socialhub.records.quarantine import Reason
from socialhub.text import url_host

PLATFORM = "news"
SUMMARY_CHARS = 2000  # a summary longer than this is a full article pasted in the feed
ENTITY_DECL = re.compile(rb"<!ENTITY\s+(%\s+)?([^\s\"'>]+)\s+(?:\"([^\"]*)\"|'([^']*)')?", re.I)
MAX_ENTITY_EXPANSION = 1_000_000  # bytes that declared entities may add to a document
FEED_ROOT = re.compile(rb"<(?:rss|feed|channel|rdf:RDF)[\s>]", re.I)  # an empty feed is a feed
DATE_KEYS = ("published_parsed", "updated_parsed", "created_parsed")


class NormalizeError(ValueError):
    """One item cannot become a mention (dead-lettered with this reason)."""


@dataclass(slots=True)
class Feed:
    url: str
    format: str  # feedparser's version: rss20, rss10, atom10, atom03, cdf...
    title: str = ""
    link: str = ""
    lang: str = "und"
    next_url: str = ""  # RFC 5005 paged feeds: older entries
    items: list[Any] = field(default_factory=list)
    warning: str = ""  # feedparser's bozo exception when it read the feed anyway


# -- the document --------------------------------------------------------------------


def check_entities(body: bytes) -> None:
    """Refuse a document whose entity declarations could blow up on expansion."""
    if b"<!ENTITY" not in body[:65536].upper():
        return
    added = 0
    for match in ENTITY_DECL.finditer(body[:65536]):
        name, value = match.group(2), match.group(3) or match.group(4) or b""
        if b"&" in value or b"%" in value:  # an entity made of entities: a bomb's shape
            raise MalformedPayload(
                f"refused XML: nested entity declaration {name[:40].decode('utf-8', 'replace')!r}"
                " (XML bomb guard)",
                raw=_head(body),
            )
        added += len(value) * body.count(b"&" + name + b";")
        if added > MAX_ENTITY_EXPANSION:
            raise MalformedPayload(
                "refused XML: entity declarations would expand past "
                f"{MAX_ENTITY_EXPANSION} bytes (XML bomb guard)",
                raw=_head(body),
            )


def parse_feed(body: bytes, url: str, headers: Mapping[str, str] | None = None) -> Feed:
    """The feed and its entries, or :class:`MalformedPayload` (never another error)."""
    check_entities(body)
    http = {k.lower(): v for k, v in (headers or {}).items()}
    http.setdefault("content-location", url)  # base of relative links
    try:
        parsed = feedparser.parse(body, response_headers=http, sanitize_html=True)
    except Exception as exc:  # feedparser is tolerant; anything it raises is this payload's
        raise MalformedPayload(
            f"unreadable feed ({type(exc).__name__}: {exc})", _head(body)
        ) from exc
    bozo = parsed.get("bozo_exception")
    warning = f"{type(bozo).__name__}: {bozo}" if parsed.get("bozo") and bozo else ""
    if not parsed.get("version") and not parsed.entries and not FEED_ROOT.search(body[:8192]):
        why = f" ({warning})" if warning else ""
        raise MalformedPayload(f"not a feed: no RSS, Atom or RDF document found{why}", _head(body))
    meta = parsed.feed
    feed = Feed(url, str(parsed.get("version") or "unknown"), warning=warning)
    feed.title = html_to_text(str(meta.get("title", "")))
    feed.link = _absolute(str(meta.get("link", "")), url)
    feed.lang = _lang(str(meta.get("language") or _detail_lang(meta, "title") or ""))
    feed.next_url = _absolute(_rel_link(meta, "next"), url)
    feed.items = list(parsed.entries)
    return feed


# -- one item ------------------------------------------------------------------------------


def entry_date(entry: Mapping[str, Any]) -> datetime | None:
    """feedparser's date for the entry (published, else updated, else created), UTC."""
    for key in DATE_KEYS:
        # plain dict lookup: feedparser's deprecated updated -> published alias warns
        value = dict.get(entry, key) if isinstance(entry, dict) else entry.get(key)
        if isinstance(value, time.struct_time):
            try:
                return datetime.fromtimestamp(calendar.timegm(value), UTC)
            except (OverflowError, ValueError, OSError):
                continue
    return None


def normalize_item(
    entry: Mapping[str, Any], feed: Feed, *, match_query: str = "", collected_at: datetime
) -> Mention:
    """One entry -> a mention; :class:`NormalizeError` when it has nothing to show."""
    link = _absolute(str(entry.get("link") or ""), feed.url)
    title = html_to_text(str(entry.get("title") or ""))
    summary = html_to_text(str(entry.get("summary") or ""))
    if not summary:
        contents = entry.get("content") or []
        summary = next((t for c in contents if (t := html_to_text(str(c.get("value", ""))))), "")
    if len(summary) > SUMMARY_CHARS:
        summary = summary[:SUMMARY_CHARS].rsplit(" ", 1)[0] + " …"
    media = _media(entry, feed.url)
    both = title and summary and summary != title
    text = f"{title}\n\n{summary}" if both else title or summary
    if not text:
        # empty-text policy: no words, so a text from what the item has — the alt or
        # title of its images, the links and media inside its markup, its own link
        words, urls = markup_fallback(_markup(entry), link or feed.url)
        media += [u for u in urls if u not in media and _looks_like_media(u)]
        links = [u for u in [link, *urls, *media] if is_http_url(u)]
        text = words or (links[:1] or [""])[0]
    if not text:
        raise NormalizeError(Reason("rss_empty_item"))
    date = entry_date(entry)
    identity = str(entry.get("id") or "") or link
    if not identity:
        identity = f"{feed.url}|{title}|{date.isoformat() if date else ''}|{summary[:500]}"
    host = url_host(feed.link) or url_host(link) or url_host(feed.url)
    author = Author(PLATFORM, host or "unknown", handle=host, name=feed.title or host)
    lang = _detail_lang(entry, "title") or _detail_lang(entry, "summary")
    raw = {"feed": feed.url, "format": feed.format, "entry": jsonable(entry)}
    return Mention(
        platform=PLATFORM,
        native_id=hashlib.sha256(identity.encode("utf-8", "replace")).hexdigest()[:32],
        text=text,
        created_at=date or collected_at,
        url=link if is_http_url(link) else "",
        lang=_lang(lang) if lang else feed.lang,
        kind="article",
        collected_at=collected_at,
        collected_via="rss",
        match_query=match_query,
        author=author,
        media=media,
        raw=raw,
    )


def _media(entry: Mapping[str, Any], base: str) -> list[str]:
    urls: list[str] = []
    for item in entry.get("enclosures") or []:
        urls.append(str(item.get("href") or item.get("url") or ""))
    for key in ("media_content", "media_thumbnail"):
        urls += [str(m.get("url") or "") for m in entry.get(key) or []]
    urls += [str(c.get("src") or "") for c in entry.get("content") or []]  # Atom out-of-line
    out: list[str] = []
    for url in urls:
        full = _absolute(url, base)
        if is_http_url(full) and full not in out:
            out.append(full)
    return out


def _markup(entry: Mapping[str, Any]) -> list[str]:
    values = [str(entry.get("title") or ""), str(entry.get("summary") or "")]
    values += [str(c.get("value") or "") for c in entry.get("content") or []]
    return [v for v in values if "<" in v]


MEDIA_EXT = re.compile(r"\.(jpe?g|png|gif|webp|svg|mp4|webm|mov|mp3|m4a|ogg|wav)(\?|$)", re.I)


def _looks_like_media(url: str) -> bool:
    return bool(MEDIA_EXT.search(url))


class _Attributes(HTMLParser):
    """Words and URLs carried by attributes: img alt/title, a href, media src/poster."""

    WORDS = ("alt", "title", "aria-label")
    URLS = ("href", "src", "poster", "xlink:href")

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.words: list[str] = []
        self.urls: list[str] = []
        self._svg_text = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for key, value in attrs:
            if not value or not value.strip():
                continue
            if key in self.WORDS:
                self.words.append(" ".join(value.split()))
            elif key in self.URLS:
                self.urls.append(value.strip())
        if tag in ("title", "desc"):  # an SVG's title or description is its text
            self._svg_text += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in ("title", "desc") and self._svg_text:
            self._svg_text -= 1

    def handle_data(self, data: str) -> None:
        if self._svg_text and data.strip():
            self.words.append(" ".join(data.split()))


def markup_fallback(fragments: list[str], base: str) -> tuple[str, list[str]]:
    """Words (alt, title...) and absolute http(s) URLs found in HTML with no visible text."""
    parser = _Attributes()
    for fragment in fragments:
        parser.feed(fragment)
    parser.close()
    words = " ".join(dict.fromkeys(w for w in parser.words if w))
    urls: list[str] = []
    for url in parser.urls:
        full = _absolute(url, base)
        if is_http_url(full) and full not in urls:
            urls.append(full)
    return words, urls


def jsonable(value: Any) -> Any:
    """An entry as plain JSON (struct_time dates dropped: the strings are kept)."""
    if isinstance(value, Mapping):
        return {
            str(k): jsonable(v) for k, v in value.items() if not isinstance(v, time.struct_time)
        }
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)


# -- small helpers ---------------------------------------------------------------------------


def _rel_link(meta: Mapping[str, Any], rel: str) -> str:
    for link in meta.get("links") or []:
        if link.get("rel") == rel and link.get("href"):
            return str(link["href"]).strip()
    return ""


def _detail_lang(data: Mapping[str, Any], key: str) -> str:
    detail = data.get(f"{key}_detail") or {}
    return str(detail.get("language") or "")


def _absolute(url: str, base: str) -> str:
    return urljoin(base, url.strip()) if url and url.strip() else ""


def _lang(value: str) -> str:
    code = value.strip().lower().replace("_", "-").split("-")[0]
    return code if re.fullmatch(r"[a-z]{2,3}", code) else "und"


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
