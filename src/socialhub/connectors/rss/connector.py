"""The RSS/Atom connector: one feed per target (``kind = "feed"``, ``value`` = URL).

The cursor keeps the feed's validators (``etag``, ``last_modified``) for conditional
GET — a 304 is an empty page — and the ids of recently seen items, so a feed that
answers 200 with the same items does not emit them again (nor after a restart). With
``history_pages > 0`` the first poll follows RFC 5005 ``rel="next"`` links to older
entries, one page per fetch, so the coordinator saves the cursor between pages.

Every request passes the address guard (:mod:`socialhub.connectors.linkguard`): the
feed URL, each redirect hop, ``rel="next"`` pages (a refused one is dead-lettered with
the reason and ends the history) and article links. ``full_text = true`` fetches each
*new* item's own link (http(s), public addresses only, redirects included, with the
timeout and ``article_max_bytes`` cap) and extracts the article's text with
trafilatura, which parses HTML and never runs scripts. A failed extraction keeps the
feed's summary.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urljoin

import httpx
import orjson

from socialhub.connectors.base import BadRequest, ConnectorError, Page, Rejected, Target
from socialhub.connectors.linkguard import LinkGuard, Resolver, resolve
from socialhub.connectors.manifest import option_defaults
from socialhub.connectors.rss.client import FeedClient, is_http_url
from socialhub.connectors.rss.normalize import (
    PLATFORM,
    NormalizeError,
    html_to_text,
    jsonable,
    normalize_item,
    parse_feed,
)
from socialhub.models import Mention
from socialhub.records.quarantine import Reason, reason_of

OPTIONS = option_defaults("rss")  # the manifest's [options]: the one place of each default

log = logging.getLogger(__name__)

SEEN_MAX = 500  # ids remembered per feed (at least twice the feed's length)


class RssConnector:
    name = PLATFORM

    def __init__(
        self,
        *,
        full_text: bool = OPTIONS["full_text"],
        full_text_max: int = OPTIONS["full_text_max"],
        timeout: float = OPTIONS["timeout"],
        max_bytes: int = OPTIONS["max_bytes"],
        article_max_bytes: int = OPTIONS["article_max_bytes"],
        history_pages: int = OPTIONS["history_pages"],
        user_agent: str = OPTIONS["user_agent"],
        transport: httpx.AsyncBaseTransport | None = None,
        clock: Any = None,
        resolver: Resolver | None = None,
        env: Mapping[str, str] | None = None,  # no credentials: taken like every connector
    ) -> None:
        self.full_text = bool(full_text)
        self.full_text_max = int(full_text_max)
        self.article_max_bytes = int(article_max_bytes)
        self.history_pages = int(history_pages)
        # every request passes the guard; tests give a fixed host -> addresses table
        self.guard = LinkGuard(resolver=resolver or resolve)
        self.client = FeedClient(
            timeout=timeout,
            max_bytes=max_bytes,
            user_agent=user_agent,
            transport=transport,
            guard=self.guard,
        )
        self.clock = clock or (lambda: datetime.now(UTC))

    async def close(self) -> None:
        await self.client.close()

    async def fetch(self, target: Target, cursor: Mapping[str, Any] | None) -> Page:
        if target.kind != "feed":
            raise BadRequest(f"rss: targets are feeds (kind = 'feed'), not {target.kind!r}")
        if not is_http_url(target.value):
            raise BadRequest(f"rss: feed URL must be http(s): {target.value[:200]!r}")
        state = dict(cursor or {})
        paging = bool(state.get("next"))
        url = str(state["next"]) if paging else target.value
        resp = await self.client.get(
            url,
            etag="" if paging else str(state.get("etag", "")),
            last_modified="" if paging else str(state.get("last_modified", "")),
        )
        if resp.status == 304:
            return Page(cursor=state, done=True)
        headers = {k.lower(): v for k, v in resp.headers.items()}
        # relative links resolve against Content-Location when sent, as feedparser does
        base = urljoin(resp.url or url, headers.get("content-location", "").strip())
        headers["content-location"] = base
        feed = parse_feed(resp.body, resp.url or url, headers)
        now = self.clock()
        seen: list[str] = [str(i) for i in state.get("seen", [])]
        known = set(seen)
        mentions: list[Mention] = []
        rejected: list[Rejected] = []
        for index, item in enumerate(feed.items):
            try:
                mention = normalize_item(
                    item, feed, match_query=target.match_query, collected_at=now
                )
            except (NormalizeError, ValueError, TypeError) as exc:
                raw = orjson.dumps(jsonable(item)).decode()
                rejected.append(Rejected(reason_of(exc), raw, f"{url}#item[{index}]"))
                continue
            if mention.native_id in known:
                continue
            known.add(mention.native_id)
            mentions.append(mention)
            seen.append(mention.native_id)
        if not feed.items:  # a feed document with no item at all: said once per version
            digest = hashlib.sha256(resp.body).hexdigest()[:16]
            if state.get("empty") != digest:
                why = (
                    Reason(
                        "rss_feed_without_items_titled",
                        format=feed.format,
                        title=repr(feed.title[:80]),
                    )
                    if feed.title
                    else Reason("rss_feed_without_items", format=feed.format)
                )
                rejected.append(Rejected(why, resp.body[:2000].decode("utf-8", "replace"), url))
            state["empty"] = digest
        else:
            state.pop("empty", None)
        if self.full_text and mentions:
            await self._full_text(mentions[: self.full_text_max])
        if feed.next_url and (reason := await self.guard.arefusal(feed.next_url)):
            # the publisher's link, not ours: refused, said, and the history ends here
            where = f"{url}#next"
            rejected.append(
                Rejected(Reason("next_page_refused", reason=reason), feed.next_url, where)
            )
            feed.next_url = ""
        keep = max(SEEN_MAX, 2 * len(feed.items))
        new_state: dict[str, Any] = {k: v for k, v in state.items() if k != "next"}
        new_state["seen"] = seen[-keep:]
        if not paging:
            new_state["etag"], new_state["last_modified"] = resp.etag, resp.last_modified
        done = True
        followed = int(state.get("history", 0)) + (1 if paging else 0)
        if (
            self.history_pages
            and not state.get("history_done")
            and feed.next_url
            and feed.next_url != url
            and followed < self.history_pages
        ):
            new_state["next"], new_state["history"] = feed.next_url, followed
            done = False
        elif paging or (self.history_pages and not state.get("history_done")):
            new_state["history_done"] = True  # history is read once, then only the head
        return Page(mentions, new_state, done, rejected)

    async def _full_text(self, mentions: list[Mention]) -> None:
        """Replace each summary by the article's extracted text, when it can be had.

        Item links are written by the feed's publisher: only public addresses (or the
        exact host:port pairs allowed) are fetched (:mod:`socialhub.connectors.linkguard`).
        """
        for mention in mentions:
            if not is_http_url(mention.url):
                continue
            try:
                resp = await self.client.get(
                    mention.url,
                    max_bytes=self.article_max_bytes,
                    accept="text/html, application/xhtml+xml;q=0.9",
                )
            except ConnectorError as exc:
                log.info("rss: full text of %s not fetched: %s", mention.url[:200], exc)
                continue
            if resp.status != 200 or "html" not in resp.content_type.lower():
                continue
            html = resp.body.decode(_charset(resp.content_type), "replace")
            text = await asyncio.to_thread(extract_article, html, mention.url)
            if text:
                title = mention.text.split("\n\n", 1)[0]
                mention.text = f"{title}\n\n{text}" if title and title not in text else text
                if isinstance(mention.raw, dict):
                    mention.raw["full_text"] = True


def extract_article(html: str, url: str = "") -> str:
    """The main text of an article page (trafilatura), '' when none is found."""
    import trafilatura  # imported lazily: only feeds with full_text = true need it

    try:
        text = trafilatura.extract(
            html,
            url=url or None,
            include_comments=False,
            include_tables=False,
            favor_precision=True,
        )
    except Exception:  # a parser failure on one page must not lose the item
        log.info("rss: extraction failed for %s", url, exc_info=True)
        return ""
    return html_to_text(text or "") if text and "<" in text else (text or "").strip()


def _charset(content_type: str) -> str:
    for part in content_type.split(";"):
        key, _, value = part.strip().partition("=")
        if key.lower() == "charset" and value:
            try:
                "".encode(value.strip('"'))
            except LookupError:
                break
            return value.strip('"')
    return "utf-8"
