"""feedparser's own test corpus, served from one local HTTP server, read by RssConnector.

``../shared/data/payloads/feedparser_tests`` (kurtmckee/feedparser ``tests/``, BSD-2):
~2,100 real and ill-formed feeds. Each file's leading comment may carry ``Header:``
lines, the HTTP headers feedparser's own test server sends with it; this server sends
them too. The evaluation compares the connector with feedparser read directly on the
same bytes and headers (the reference), feed by feed:

- *eligible*: feedparser finds at least one entry with a title, a summary or content
  (the issue's measure: an empty ``<span abbr="">`` content counts);
- *usable*: among those, an entry has words (text, an alt or title attribute) or a URL
  (link, enclosure, out-of-line content, a link or image in its markup) — the rest are
  sanitizer fixtures whose only content is an empty element, which the empty-text policy
  (docs/connectors.md) dead-letters with its reason;
- *with mentions*: the connector returned at least one mention for that feed;
- *rejected*: the connector refused the feed with a typed error (the reason is kept);
- *crashes*: anything else raised (must be 0);
- *outcome* of each feed, exactly one of: ``mentions``; ``items dead-lettered`` (no
  mention, each item refused with its reason); ``no items, dead-lettered`` (a feed
  document without any item: one dead letter saying so); ``refused`` (a typed error
  for the whole payload); ``silent`` (nothing and no reason: must be 0);
- *dates*: each mention whose entry has a feedparser date must carry exactly that date.

Used by ``test_feedparser_corpus.py`` and ``bench/bench_feed_corpus.py``.
"""

from __future__ import annotations

import asyncio
import calendar
import html
import re
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urljoin, urlsplit

import feedparser

from socialhub.connectors.base import ConnectorError, Target
from socialhub.connectors.rss import RssConnector
from socialhub.shared_data import shared_data_dir

from ..fetch_allow import allow_fetch

HEADER = re.compile(rb"\A\s*<!--(.*?)-->", re.S)


def corpus_dir() -> Path:
    return shared_data_dir() / "payloads" / "feedparser_tests"


def corpus_files(root: Path | None = None) -> list[Path]:
    root = root or corpus_dir()
    return sorted(
        p for p in root.rglob("*") if p.is_file() and p.name != "LICENSE" and p.suffix != ".md"
    )


def headers_of(body: bytes) -> dict[str, str]:
    """The ``Header:`` lines of a corpus file's leading comment."""
    found: dict[str, str] = {}
    match = HEADER.match(body)
    if match:
        for line in match.group(1).decode("utf-8", "replace").splitlines():
            if line.strip().startswith("Header:"):
                key, _, value = line.strip()[len("Header:") :].strip().partition(":")
                found[key.strip()] = value.strip()
    return found


@contextmanager
def serve_corpus(root: Path) -> Iterator[str]:
    """Serve every file under ``root`` with its ``Header:`` lines; yields the base URL."""

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive: one connection for the whole corpus
        disable_nagle_algorithm = True  # headers and body in two writes: no 40 ms stall

        def do_GET(self) -> None:
            path = (root / unquote(urlsplit(self.path).path).lstrip("/")).resolve()
            if root.resolve() not in path.parents or not path.is_file():
                self.send_error(404)
                return
            body = path.read_bytes()
            headers = {"Content-Type": "application/xml", **headers_of(body)}
            self.send_response(200)
            for key, value in headers.items():
                if key.lower() not in ("content-length", "connection", "transfer-encoding"):
                    self.send_header(key, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            return None

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{httpd.server_address[1]}"
    try:
        with allow_fetch(url):
            yield url
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(5)


@dataclass
class Result:
    feeds: int = 0
    eligible: int = 0
    eligible_with_mentions: int = 0
    usable: int = 0
    usable_with_mentions: int = 0
    feeds_with_mentions: int = 0
    mentions: int = 0
    rejected_items: int = 0
    rejected_feeds: dict[str, str] = field(default_factory=dict)  # file -> reason
    crashes: dict[str, str] = field(default_factory=dict)
    dated_items: int = 0
    dates_equal: int = 0
    date_mismatches: list[str] = field(default_factory=list)
    missed: list[str] = field(default_factory=list)  # eligible feeds without a mention
    outcomes: Counter[str] = field(default_factory=Counter)  # one outcome per feed
    silent: list[str] = field(default_factory=list)  # neither mentions nor a reason
    seconds: float = 0.0

    def summary(self) -> dict[str, Any]:
        reasons = Counter(r.split(":")[0] for r in self.rejected_feeds.values())
        return {
            "feeds": self.feeds,
            "eligible_feeds": self.eligible,
            "eligible_with_mentions": self.eligible_with_mentions,
            "eligible_share": round(self.eligible_with_mentions / max(1, self.eligible), 4),
            "usable_feeds": self.usable,
            "usable_with_mentions": self.usable_with_mentions,
            "usable_share": round(self.usable_with_mentions / max(1, self.usable), 4),
            "feeds_with_mentions": self.feeds_with_mentions,
            "mentions": self.mentions,
            "rejected_items": self.rejected_items,
            "rejected_feeds": len(self.rejected_feeds),
            "rejected_reasons": dict(reasons.most_common()),
            "crashes": len(self.crashes),
            "outcomes": dict(self.outcomes.most_common()),
            "silent_feeds": len(self.silent),
            "dated_items": self.dated_items,
            "dates_equal": self.dates_equal,
            "seconds": round(self.seconds, 2),
        }


def reference_date(entry: Any) -> datetime | None:
    """feedparser's own date for an entry, computed here independently of the connector."""
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        value = dict.get(entry, key)  # no deprecated alias (warnings are errors here)
        if value:
            try:
                return datetime.fromtimestamp(calendar.timegm(value), UTC)
            except (OverflowError, ValueError, OSError):
                return None
    return None


def _has_content(entry: Any) -> bool:
    return bool(entry.get("title") or entry.get("summary") or entry.get("content"))


TAG = re.compile(r"<[^>]*>")
WORD_ATTR = re.compile(r"""\b(?:alt|title|aria-label)\s*=\s*["']\s*[^"'\s]""", re.I)
URL_ATTR = re.compile(r"""\b(?:href|src|poster)\s*=\s*["']\s*[^"'\s]""", re.I)


def _usable(entry: Any) -> bool:
    """Words or a URL somewhere in the entry (written apart from the connector's code)."""
    if entry.get("link") or entry.get("enclosures") or entry.get("media_content"):
        return True
    values = [entry.get("title") or "", entry.get("summary") or ""]
    for content in entry.get("content") or []:
        if content.get("src"):
            return True
        values.append(content.get("value") or "")
    for value in values:
        words = html.unescape(TAG.sub(" ", value)).strip()
        if words or WORD_ATTR.search(value) or URL_ATTR.search(value):
            return True
        if re.search(r"<svg:?title|<title|<desc|:desc", value) and words:
            return True
    return False


KEYS = ("id", "title", "link", "published", "updated", "created", "summary")


def _same_entry(raw: dict[str, Any], entry: Any) -> bool:
    return all(raw.get(k) == dict.get(entry, k) for k in KEYS)


async def evaluate(files: list[Path], root: Path, base: str) -> Result:
    """Fetch each file through RssConnector and compare with feedparser's reading."""
    result = Result(feeds=len(files))
    started = time.perf_counter()
    connector = RssConnector(timeout=10.0)
    try:
        for path in files:
            rel = path.relative_to(root).as_posix()
            url = f"{base}/{rel}"
            body = path.read_bytes()
            http = {k.lower(): v for k, v in headers_of(body).items()}
            http.setdefault("content-type", "application/xml")
            if "content-location" in http:
                http["content-location"] = urljoin(url, http["content-location"])
            else:
                http["content-location"] = url
            reference = feedparser.parse(body, response_headers=http)
            eligible = any(_has_content(e) for e in reference.entries)
            usable = any(_has_content(e) and _usable(e) for e in reference.entries)
            result.eligible += eligible
            result.usable += usable
            try:
                page = await connector.fetch(Target("feed", url), None)
            except ConnectorError as exc:
                result.rejected_feeds[rel] = f"{type(exc).__name__}: {exc}"
                result.outcomes["refused"] += 1
                if eligible:
                    result.missed.append(f"{rel}: {exc}")
                continue
            except Exception as exc:  # what the test forbids: an untyped crash
                result.crashes[rel] = f"{type(exc).__name__}: {exc}"
                result.outcomes["crash"] += 1
                continue
            if page.mentions:
                result.outcomes["mentions"] += 1
            elif any(r.reason.startswith("feed without items") for r in page.rejected):
                result.outcomes["no items, dead-lettered"] += 1
            elif page.rejected:
                result.outcomes["items dead-lettered"] += 1
            else:
                result.outcomes["silent"] += 1
                result.silent.append(rel)
            result.mentions += len(page.mentions)
            result.rejected_items += len(page.rejected)
            if page.mentions:
                result.feeds_with_mentions += 1
                result.eligible_with_mentions += eligible
                result.usable_with_mentions += usable
            elif eligible:
                result.missed.append(f"{rel}: no mention ({[r.reason for r in page.rejected]})")
            for mention in page.mentions:
                raw = mention.raw.get("entry", {}) if isinstance(mention.raw, dict) else {}
                entry = next((e for e in reference.entries if _same_entry(raw, e)), None)
                expected = reference_date(entry) if entry is not None else None
                if expected is None:
                    continue
                result.dated_items += 1
                if mention.created_at == expected:
                    result.dates_equal += 1
                else:
                    result.date_mismatches.append(f"{rel}: {mention.created_at} != {expected}")
    finally:
        await connector.close()
    result.seconds = time.perf_counter() - started
    return result


def run_corpus(files: list[Path] | None = None) -> Result:
    root = corpus_dir()
    if not root.is_dir():
        raise FileNotFoundError(
            f"feedparser corpus not found at {root}: put shared/ beside the repository "
            "(../shared/data) or set SOCIALHUB_DATA"
        )
    chosen = files if files is not None else corpus_files(root)
    with serve_corpus(root) as base:
        return asyncio.run(evaluate(chosen, root, base))
